using Prometheus;

namespace MarketMaker.Shell.Observability;

/// <summary>
/// The process and .NET runtime metrics on /metrics, so an operator sees memory and GC next to the bot's own series:
/// prometheus-net's standard collector (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>,
/// <c>process_private_memory_bytes</c>, <c>process_virtual_memory_bytes</c>, <c>process_open_handles</c>,
/// <c>process_num_threads</c>, <c>process_start_time_seconds</c>, <c>dotnet_collection_count_total{generation}</c>,
/// <c>dotnet_total_memory_bytes</c>) plus <c>process_resident_memory_bytes</c> (the Prometheus convention's name)
/// and the GC's own view (<c>dotnet_gc_heap_size_bytes</c>, <c>dotnet_gc_committed_bytes</c>,
/// <c>dotnet_gc_fragmented_bytes</c>, from the last collection). Read when /metrics is scraped; no event listener.
/// </summary>
public static class RuntimeMetrics
{
    public static readonly IReadOnlyList<string> Names =
    [
        "process_cpu_seconds_total", "process_working_set_bytes", "process_private_memory_bytes", "process_virtual_memory_bytes",
        "process_open_handles", "process_num_threads", "process_start_time_seconds", "dotnet_collection_count_total",
        "dotnet_total_memory_bytes", "process_resident_memory_bytes", "dotnet_gc_heap_size_bytes", "dotnet_gc_committed_bytes",
        "dotnet_gc_fragmented_bytes",
    ];

    public static void Register(CollectorRegistry registry)
    {
        DotNetStats.Register(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        var resident = factory.CreateGauge("process_resident_memory_bytes", "Resident set size of the process in bytes.");
        var heap = factory.CreateGauge("dotnet_gc_heap_size_bytes", "GC heap size (all generations) at the last collection.");
        var committed = factory.CreateGauge("dotnet_gc_committed_bytes", "Memory committed by the GC at the last collection.");
        var fragmented = factory.CreateGauge("dotnet_gc_fragmented_bytes", "Free space inside the GC heap at the last collection.");
        registry.AddBeforeCollectCallback(() =>
        {
            // Environment.WorkingSet is the resident set (VmRSS) on Linux.
            resident.Set(Environment.WorkingSet);
            var info = GC.GetGCMemoryInfo();
            heap.Set(info.HeapSizeBytes);
            committed.Set(info.TotalCommittedBytes);
            fragmented.Set(info.FragmentedBytes);
        });
    }
}
