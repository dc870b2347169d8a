using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using Snapshooter.Core.Serialization;

namespace MarketMaker.Core.Tests.Decisions;

/// <summary>
/// Snapshooter's JSON (found by Snapshooter in the test assembly): the nonce of a cancel or a live order is shown as the
/// exchange writes it, a decimal integer string, as in the recordings (the core holds every nonce as a <see cref="long"/>).
/// </summary>
public sealed class SnapshotJsonSettings : SnapshotSerializerSettings
{
    public override JsonSerializerSettings Extend(JsonSerializerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.ContractResolver = new NonceAsText(settings.ContractResolver as DefaultContractResolver);
        return settings;
    }

    private sealed class NonceAsText : DefaultContractResolver
    {
        public NonceAsText(DefaultContractResolver? inner)
        {
            if (inner is not null)
            {
                NamingStrategy = inner.NamingStrategy;
                IgnoreSerializableAttribute = inner.IgnoreSerializableAttribute;
            }
        }

        protected override JsonProperty CreateProperty(System.Reflection.MemberInfo member, MemberSerialization memberSerialization)
        {
            var property = base.CreateProperty(member, memberSerialization);
            if (property.PropertyName == "Nonce" && (member.DeclaringType == typeof(CancelAction) || member.DeclaringType == typeof(LiveOrder)))
            {
                property.Converter = new LongAsString();
            }

            return property;
        }
    }

    private sealed class LongAsString : JsonConverter<long>
    {
        public override long ReadJson(JsonReader reader, Type objectType, long existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            long.Parse((string)reader.Value!, System.Globalization.CultureInfo.InvariantCulture);

        public override void WriteJson(JsonWriter writer, long value, JsonSerializer serializer) =>
            writer.WriteValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
