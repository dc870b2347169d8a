using Microsoft.Extensions.Hosting;

namespace MarketMaker.PaperExchange.Http;

/// <summary>
/// A lifetime that owns no signals: the paper exchange runs inside a process whose own host (the bot's, or the
/// command's) decides when to stop and disposes the exchange. The default <c>ConsoleLifetime</c> would intercept
/// SIGINT/SIGTERM as well and stop the exchange under the bot.
/// </summary>
public sealed class PassiveLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
