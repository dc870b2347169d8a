using System.Globalization;
using MarketMaker.Core.Config;
using MarketMaker.Protocol.Signing;

namespace MarketMaker.Shell.Integration;

/// <summary>The command line of <c>mm-bot integration</c>.</summary>
public sealed record IntegrationArgs
{
    public string? Scenario { get; init; }

    public string? ReportPath { get; init; }

    public bool Paper { get; init; }

    public string? DatabaseUrl { get; init; }

    public bool Verbose { get; init; }
}

/// <summary>The harness's own variables (reference-bot.md §10): the taker's identity, timeouts, the scenario.</summary>
public sealed record IntegrationSettings(
    EthKey TakerSignerKey,
    string TakerOwnerAddress,
    string TakerSignerAddress,
    string TakerSubaccountId,
    string TakerRecipientId,
    TimeSpan Timeout,
    TimeSpan PollInterval,
    IReadOnlyList<string> Scenarios)
{
    public const string TakerOwnerPrivateKey = "MM_INT_TAKER_OWNER_PRIVATE_KEY";
    public const string TakerSignerPrivateKey = "MM_INT_TAKER_SIGNER_PRIVATE_KEY";
    public const string TakerOwnerAddressVar = "MM_INT_TAKER_OWNER_ADDRESS";
    public const string TakerSignerAddressVar = "MM_INT_TAKER_SIGNER_ADDRESS";
    public const string TakerSubaccountIdVar = "MM_INT_TAKER_SUBACCOUNT_ID";
    public const string TakerRecipientIdVar = "MM_INT_TAKER_RECIPIENT_ID";
    public const string TimeoutSeconds = "MM_INT_TIMEOUT_SECONDS";
    public const string PollIntervalMs = "MM_INT_POLL_INTERVAL_MS";
    public const string ScenarioVar = "MM_INT_SCENARIO";

    public static readonly IReadOnlyList<string> AllScenarios = ["happy", "partial_fill", "restart_under_open_order", "stale_startup", "duplicate_startup"];

    /// <summary>Reads every MM_INT_* variable; every problem is listed (values of keys are never shown).</summary>
    public static IntegrationSettings? Load(IReadOnlyDictionary<string, string> env, string? scenarioArg, List<string> errors)
    {
        var r = new ConfigReader(env, [TakerOwnerPrivateKey, TakerSignerPrivateKey]);
        var ownerKey = Config.Settings.ReadKey(r, TakerOwnerPrivateKey, required: true, "the taker's private key, hex");
        var signerKey = r.IsSet(TakerSignerPrivateKey) ? Config.Settings.ReadKey(r, TakerSignerPrivateKey, required: false) : ownerKey;
        var owner = r.Address(TakerOwnerAddressVar) ?? ownerKey?.Address ?? "";
        var givenSigner = r.Address(TakerSignerAddressVar);
        if (givenSigner is not null && signerKey is not null && !string.Equals(givenSigner, signerKey.Address, StringComparison.OrdinalIgnoreCase))
        {
            r.Add(TakerSignerAddressVar, $"{TakerSignerAddressVar} must be the address of the taker signer key ({signerKey.Address}) or unset: got \"{givenSigner}\"");
        }

        if (!r.IsSet(TakerSubaccountIdVar))
        {
            r.Add(TakerSubaccountIdVar, $"{TakerSubaccountIdVar} is required (the taker's subaccount id, decimal)");
        }

        var subaccount = r.Uint256(TakerSubaccountIdVar, null) ?? "";
        var recipient = r.Uint256(TakerRecipientIdVar, null) ?? subaccount;
        var timeout = r.Int(TimeoutSeconds, 120);
        r.Check(timeout > 0, TimeoutSeconds, "> 0", timeout);
        var poll = r.Int(PollIntervalMs, 500);
        r.Check(poll > 0, PollIntervalMs, "> 0", poll);

        var scenario = scenarioArg ?? r.Raw(ScenarioVar) ?? "happy";
        IReadOnlyList<string> scenarios = scenario == "all" ? AllScenarios : AllScenarios.Contains(scenario) ? [scenario] : [];
        if (scenarios.Count == 0)
        {
            r.Add(ScenarioVar, $"scenario must be one of {string.Join(", ", AllScenarios)} or all (--scenario or {ScenarioVar}): got \"{scenario}\"");
        }

        errors.AddRange(r.Errors.Select(e => e.Message));
        if (r.Errors.Count > 0)
        {
            return null;
        }

        return new IntegrationSettings(
            signerKey!,
            owner,
            signerKey!.Address,
            subaccount,
            recipient,
            TimeSpan.FromSeconds(timeout),
            TimeSpan.FromMilliseconds(poll),
            scenarios);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"IntegrationSettings {{ TakerOwner = {TakerOwnerAddress}, TakerSigner = {TakerSignerAddress}, TakerSubaccount = {TakerSubaccountId}, Timeout = {Timeout}, Poll = {PollInterval} }}");
}
