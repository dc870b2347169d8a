namespace MarketMaker.Shell.Tests.Infrastructure;

/// <summary>Locates the repository and the npm tools (tools/node_modules) the cross-checks use.</summary>
public static class Tools
{
    public static string RepoRoot { get; } = FindRoot();

    public static string SharedDir => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string ToolsDir => Path.Combine(RepoRoot, "tools");

    public static string NodeModules => Path.Combine(ToolsDir, "node_modules");

    public static string Anvil
    {
        get
        {
            var path = Path.Combine(NodeModules, ".bin", "anvil");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"anvil not found at {path}: run `npm ci --prefix tools` (bash .ci/run does it).");
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketMaker.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("MarketMaker.sln not found above the test binaries");
    }
}
