using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using MarketMaker.Shell.Replay;
using MarketMaker.Shell.Tests.Infrastructure;

namespace MarketMaker.Shell.Tests.Replay;

/// <summary>
/// The what-if HTML report opens in headless Chromium (Debian's <c>chromium</c>, installed by <c>.ci/run</c>) with
/// no network, and its charts are drawn: the screenshot has many coloured (chart line) pixels.
/// </summary>
public sealed class HtmlReportChromiumTests
{
    [Fact]
    public async Task What_if_report_renders_non_empty_charts_in_headless_chromium()
    {
        var dir = Directory.CreateTempSubdirectory("mm-report-").FullName;
        try
        {
            var report = Path.Combine(dir, "report.html");
            var session = Path.Combine(Tools.RepoRoot, "snapshots", "sessions", "fills-inventory-skew.jsonl");
            var exit = await ReplayCommand.RunAsync([session, "--set", "MM_HALF_SPREAD_BPS=60", "--no-progress", "--report", report], TextWriter.Null, TextWriter.Null, CancellationToken.None);
            Assert.Equal(0, exit);

            var png = Path.Combine(dir, "shot.png");
            var psi = new ProcessStartInfo(Chromium())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--user-data-dir=" + Path.Combine(dir, "profile"), "--window-size=1280,1600", "--screenshot=" + png, new Uri(report).AbsoluteUri })
            {
                psi.ArgumentList.Add(a);
            }

            using (var p = Process.Start(psi)!)
            {
                var stderr = p.StandardError.ReadToEndAsync();
                _ = p.StandardOutput.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                await p.WaitForExitAsync(timeout.Token);
                Assert.True(File.Exists(png), "chromium wrote no screenshot: " + await stderr);
            }

            var (width, height, rgba) = Png.Decode(await File.ReadAllBytesAsync(png));
            Assert.Equal(1280, width);
            Assert.True(height >= 1000);
            var coloured = 0;
            for (var i = 0; i < rgba.Length; i += 4)
            {
                int r = rgba[i], g = rgba[i + 1], b = rgba[i + 2];
                if (Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b)) > 80)
                {
                    coloured++;
                }
            }

            // The chart lines (green/red bid and ask, blue/orange what-if, inventory) are the only saturated pixels.
            Assert.True(coloured > 2000, $"only {coloured} coloured pixels: the charts are empty");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium is required for this test: apt-get install chromium (bash .ci/run installs it)");
}

/// <summary>A minimal PNG reader (8-bit RGB or RGBA, non-interlaced), enough for screenshots.</summary>
internal static class Png
{
    public static (int Width, int Height, byte[] Rgba) Decode(byte[] file)
    {
        Assert.True(file.AsSpan(0, 8).SequenceEqual(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 }), "not a PNG");
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, var c => throw new InvalidOperationException($"PNG colour type {c} not supported") };
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        var stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            var filter = bytes[y * (stride + 1)];
            var line = bytes.AsSpan((y * (stride + 1)) + 1, stride);
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                current[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidOperationException($"PNG filter {filter}"),
                });
            }

            for (var x = 0; x < width; x++)
            {
                var o = ((y * width) + x) * 4;
                rgba[o] = current[x * channels];
                rgba[o + 1] = current[(x * channels) + 1];
                rgba[o + 2] = current[(x * channels) + 2];
                rgba[o + 3] = channels == 4 ? current[(x * channels) + 3] : (byte)255;
            }

            (previous, current) = (current, previous);
        }

        return (width, height, rgba);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
