namespace MarketMaker.Shell;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("mm-bot: under construction");
        return 1;
    }
}
