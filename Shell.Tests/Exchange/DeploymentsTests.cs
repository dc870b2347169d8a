using MarketMaker.Protocol;

namespace MarketMaker.Shell.Tests.Exchange;

/// <summary>Deployment resolution against real files in a temporary directory.</summary>
public sealed class DeploymentsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mm-deploy-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _env = [];

    public DeploymentsTests()
    {
        Directory.CreateDirectory(_root);
    }

    private string MatchingRepo => Path.Combine(_root, "execution-contracts");

    private string RiskRepo => Path.Combine(_root, "risk-core");

    public void Dispose() => Directory.Delete(_root, true);

    private void Write(string repo, long chain, string file, string text)
    {
        var dir = Path.Combine(repo, "deployments", chain.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, file), text);
    }

    private DeploymentAddresses Resolve(long chain) =>
        Deployments.Resolve(chain, MatchingRepo, RiskRepo, name => _env.GetValueOrDefault(name), Deployments.ReadFileOrNull);

    private DeploymentException Fails(long chain) => Assert.Throws<DeploymentException>(() => Resolve(chain));

    [Fact]
    public void Addresses_come_from_the_deployment_files_when_present()
    {
        Write(MatchingRepo, 8453, "matching.json", """{"matching":"0x1111111111111111111111111111111111111111","trade":"0x2222222222222222222222222222222222222222","deposit":"0x3333333333333333333333333333333333333333"}""");
        Write(RiskRepo, 8453, "core.json", """{"subAccounts":"0xAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaa","srm":"0x4444444444444444444444444444444444444444"}""");

        var addresses = Resolve(8453);

        Assert.Equal("0x1111111111111111111111111111111111111111", addresses.Matching);
        Assert.Equal("0x2222222222222222222222222222222222222222", addresses.TradeModule);
        Assert.Equal("0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", addresses.SubAccounts);
        Assert.Equal(Path.Combine(MatchingRepo, "deployments", "8453", "matching.json"), addresses.Sources["matching"]);
        Assert.Equal(Path.Combine(RiskRepo, "deployments", "8453", "core.json"), addresses.Sources["subAccounts"]);
    }

    [Fact]
    public void Base_mainnet_falls_back_to_the_built_in_addresses_when_the_files_are_absent()
    {
        var addresses = Resolve(8453);

        Assert.Equal("0x9e90a9cd13d859bd6a08168082fb1f6f7405f191", addresses.Matching);
        Assert.Equal("0x44813ad30b2ffc1bb2871eed9b19f63c8196ed1c", addresses.TradeModule);
        Assert.Equal("0x7019244e25fa416e6ca2ed2f3ca25277aef72843", addresses.SubAccounts);
        Assert.Equal("0x6b232a2155bd0c9bf741db4cf8e7e8a0176a6fc6", addresses.Cash);
        Assert.Equal("0x9d806fd040a719d27a8e5e77dc5ae0ed1e089493", addresses.WrappedCngnBase);
        Assert.Equal("0xdd9c2ddf97a2dc9b9d348dcd0ef776af5291a1f9", addresses.Sep16FutureAsset);
        Assert.Equal("1789567201", addresses.Sep16FutureSubId);
        Assert.Equal("built-in 8453", addresses.Sources["trade"]);
    }

    [Fact]
    public void Base_sepolia_falls_back_to_its_built_in_addresses()
    {
        var addresses = Resolve(84532);

        Assert.Equal("0x1599636347fd5ba1fbe21d58afe0b8b9cbe283ff", addresses.Matching);
        Assert.Equal("0x0aae65aaa66fe7f54486cdbd007956d3de611990", addresses.TradeModule);
        Assert.Equal("0xaaa53649eb98eed1517ca216a95eb5ba9eb84e27", addresses.SubAccounts);
        Assert.Equal("0x5ae072c6144e352aa678417b0c4b530f325dd26f", addresses.Cash);
        Assert.Equal("0x1c08f30c204ee18ebbdc161c0f0864afb826934b", addresses.WrappedCngnBase);
        Assert.Equal("0x813d8e6e9a752cf42724a9fef92b980de5c95563", addresses.Sep16FutureAsset);
    }

    [Fact]
    public void Env_overrides_win_over_files_and_defaults()
    {
        Write(MatchingRepo, 8453, "matching.json", """{"matching":"0x1111111111111111111111111111111111111111","trade":"0x2222222222222222222222222222222222222222"}""");
        _env[Deployments.MatchingEnv] = " 0x5555555555555555555555555555555555555555 ";
        _env[Deployments.SubAccountsEnv] = "0x6666666666666666666666666666666666666666";

        var addresses = Resolve(8453);

        Assert.Equal("0x5555555555555555555555555555555555555555", addresses.Matching);
        Assert.Equal("0x2222222222222222222222222222222222222222", addresses.TradeModule);
        Assert.Equal("0x6666666666666666666666666666666666666666", addresses.SubAccounts);
        Assert.Equal("env MM_MATCHING_ADDRESS", addresses.Sources["matching"]);
    }

    [Fact]
    public void A_file_whose_keys_are_all_overridden_is_not_read()
    {
        Write(MatchingRepo, 8453, "matching.json", "not json");
        _env[Deployments.MatchingEnv] = "0x5555555555555555555555555555555555555555";
        _env[Deployments.TradeModuleEnv] = "0x7777777777777777777777777777777777777777";

        var addresses = Resolve(8453);

        Assert.Equal("0x7777777777777777777777777777777777777777", addresses.TradeModule);
    }

    [Fact]
    public void A_file_missing_a_key_is_an_error_naming_the_file_and_key_not_a_silent_default()
    {
        Write(MatchingRepo, 8453, "matching.json", """{"matching":"0x1111111111111111111111111111111111111111"}""");

        var ex = Fails(8453);

        var error = Assert.Single(ex.Errors);
        Assert.Equal(Path.Combine(MatchingRepo, "deployments", "8453", "matching.json"), error.Source);
        Assert.Equal("trade", error.Key);
        Assert.Contains("matching.json: trade: key is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_is_an_error_naming_the_file()
    {
        Write(RiskRepo, 84532, "core.json", "{\"subAccounts\": ");

        var error = Assert.Single(Fails(84532).Errors);

        Assert.EndsWith(Path.Combine("84532", "core.json"), error.Source, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "(file)", "not a JSON object")]
    [InlineData("""{"subAccounts":42}""", "subAccounts", "not a 0x-prefixed")]
    [InlineData("""{"subAccounts":"0x1234"}""", "subAccounts", "not a 0x-prefixed")]
    public void A_wrong_shape_or_value_is_an_error_naming_the_key(string json, string key, string message)
    {
        Write(RiskRepo, 8453, "core.json", json);

        var error = Assert.Single(Fails(8453).Errors);

        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_env_override_is_an_error_naming_the_variable()
    {
        _env[Deployments.TradeModuleEnv] = "0xnot-an-address";

        var error = Assert.Single(Fails(8453).Errors);

        Assert.Equal("MM_TRADE_MODULE_ADDRESS", error.Source);
    }

    [Fact]
    public void An_unknown_chain_without_files_lists_every_missing_file()
    {
        var ex = Fails(1);

        Assert.Equal(["matching", "trade", "subAccounts"], ex.Errors.Select(e => e.Key).ToArray());
        Assert.All(ex.Errors, e => Assert.Contains("chain 1 has no built-in addresses", e.Message, StringComparison.Ordinal));
        Assert.Contains(Path.Combine("deployments", "1", "core.json"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_chain_works_from_files_and_has_no_asset_defaults()
    {
        Write(MatchingRepo, 31337, "matching.json", """{"matching":"0x1111111111111111111111111111111111111111","trade":"0x2222222222222222222222222222222222222222"}""");
        Write(RiskRepo, 31337, "core.json", """{"subAccounts":"0x3333333333333333333333333333333333333333"}""");

        var addresses = Resolve(31337);

        Assert.Equal("0x3333333333333333333333333333333333333333", addresses.SubAccounts);
        Assert.Null(addresses.Cash);
        Assert.Null(addresses.WrappedCngnBase);
    }

    [Fact]
    public void Several_problems_are_reported_at_once()
    {
        Write(MatchingRepo, 8453, "matching.json", "{}");
        Write(RiskRepo, 8453, "core.json", "oops");

        var ex = Fails(8453);

        Assert.Equal(["matching", "trade", "(file)"], ex.Errors.Select(e => e.Key).ToArray());
    }
}
