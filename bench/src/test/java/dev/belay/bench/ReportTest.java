package dev.belay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads the generator's lines and checks the bar once per Belay configuration that ran. */
class ReportTest {
  @Test
  void checksTheBarForBothListenerModesAndDrawsTheChart(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("belay.jsonl"), """
        {"server":"belay","scenario":"echo-ack","transport":"ws","perS":100000,"cpuUsPerRoundTrip":15,"windows":3,"perSWindows":"90000 100000 110000","cpuUsWindows":"16.00 15.00 14.00"}
        {"server":"belay","scenario":"idle","transport":"ws","heapPerConnKb":5.6,"cpuUsPerConnect":100}
        """);
    Files.writeString(dir.resolve("belay-io.jsonl"), """
        {"server":"belay-io","scenario":"echo-ack","transport":"ws","perS":150000,"cpuUsPerRoundTrip":10.5}
        """);
    Files.writeString(dir.resolve("node.jsonl"), """
        {"server":"node","scenario":"echo-ack","transport":"ws","perS":40000,"cpuUsPerRoundTrip":20}
        {"server":"node","scenario":"idle","transport":"ws","heapPerConnKb":10.5,"cpuUsPerConnect":200}
        """);
    Files.writeString(dir.resolve("floor.jsonl"), """
        {"server":"floor","scenario":"echo-ack","transport":"ws","perS":140000,"cpuUsPerRoundTrip":10}
        """);
    Path out = dir.resolve("out/report.md");

    Report.main(new String[] {"--in", dir.toString(), "--out", out.toString()});

    String md = Files.readString(out);
    assertTrue(md.contains("| criterion | Belay | verdict | Belay, listeners on I/O thread | verdict |"), md);
    assertTrue(md.contains("| WebSocket echo ≥ 0.95× floor | 0.714 | NOT met | 1.07 | met |"), md);
    assertTrue(md.contains("| server CPU per WebSocket round trip ≤ 1.1× floor | 1.50 | NOT met | 1.05 | met |"), md);
    assertTrue(md.contains("| idle heap per WebSocket connection ≤ 6 KB | 5.60 | met | n/a | not measured |"), md);
    assertTrue(md.contains("| Belay, listeners on I/O thread | 150,000 |"), md);
    assertTrue(md.contains("- Belay: 90000 100000 110000; 16.00 15.00 14.00"), md);
    assertTrue(Files.size(dir.resolve("out/report.png")) > 1000, "the chart is drawn");
  }

  @Test
  void echoAtItsOwnSizeGetsItsOwnTableAgainstTheFloorAndNodeAndItsTargetsChecked(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("belay.jsonl"), """
        {"server":"belay","scenario":"echo-ack","transport":"ws","perS":100000,"cpuUsPerRoundTrip":15}
        {"server":"belay","scenario":"echo-ack","transport":"polling","size":"100x1","perS":12000,"p50Ms":8,"p99Ms":20,"cpuUsPerRoundTrip":78}
        {"server":"belay","scenario":"echo-ack","transport":"sse","size":"100x1","perS":14000,"p50Ms":7,"p99Ms":18,"cpuUsPerRoundTrip":50}
        """);
    Files.writeString(dir.resolve("node.jsonl"), """
        {"server":"node","scenario":"echo-ack","transport":"polling","size":"100x1","perS":10000,"p50Ms":9,"p99Ms":25,"cpuUsPerRoundTrip":100}
        """);
    Files.writeString(dir.resolve("floor.jsonl"), """
        {"server":"floor","scenario":"echo-ack","transport":"polling","size":"100x1","perS":16000,"p50Ms":6,"p99Ms":15,"cpuUsPerRoundTrip":60}
        {"server":"floor","scenario":"echo-ack","transport":"sse","size":"100x1","perS":20000,"p50Ms":5,"p99Ms":12,"cpuUsPerRoundTrip":40}
        """);
    Path out = dir.resolve("report.md");

    Report.main(new String[] {"--in", dir.toString(), "--out", out.toString()});

    String md = Files.readString(out);
    assertTrue(md.contains("### echo-ack:polling:100x1"), md);
    assertTrue(md.contains("| Belay | 12,000 | 8 | 20 | 78 | 0.75× | 1.30× | 1.20× | 0.78× |"), md);
    assertTrue(md.contains("### echo-ack:sse:100x1"), md);
    assertTrue(md.contains("| Belay | 14,000 | 7 | 18 | 50 | 0.70× | 1.25× |  |  |"), md);
    assertTrue(md.contains("| long-polling echo, 100 clients × 1 in flight: server CPU per round trip ≤ 1.3× floor | 1.30 | met |"), md);
    assertTrue(md.contains("| long-polling echo, 100 clients × 1 in flight ≥ 1.5× Node | 1.20 | NOT met |"), md);
  }

  @Test
  void echoRepeatedInSeveralProcessesIsTheMedianProcessWithMedianFigures() {
    List<JsonObject> rows = List.of(
        row("{\"server\":\"belay\",\"perS\":150000,\"cpuUsPerRoundTrip\":9.0,\"p99Ms\":30}"),
        row("{\"server\":\"belay\",\"perS\":120000,\"cpuUsPerRoundTrip\":12.0,\"p99Ms\":10}"),
        row("{\"server\":\"belay\",\"error\":\"server did not start\"}"),
        row("{\"server\":\"belay\",\"perS\":130000,\"cpuUsPerRoundTrip\":10.0,\"p99Ms\":20}"));

    JsonObject merged = Report.merged(rows);

    assertEquals(130000, merged.get("perS").getAsDouble());
    assertEquals(10.0, merged.get("cpuUsPerRoundTrip").getAsDouble());
    assertEquals(20, merged.get("p99Ms").getAsDouble(), "latencies come from the median process");
    assertEquals(3, merged.get("processes").getAsInt(), "the failed process is left out");
    assertEquals("150000 120000 130000", merged.get("perSProcesses").getAsString());
    assertEquals("9.00 12.00 10.00", merged.get("cpuUsProcesses").getAsString());
  }

  @Test
  void clusterReportPutsBelayAndNodeSideBySideWithTheirRatio(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("belay.jsonl"), """
        {"server":"belay","scenario":"fanout-cluster","transport":"ws","broadcasts":100,"expected":500100,"delivered":500100,"missing":0,"incompleteClients":0,"duplicates":0,"failed":0,"p50Ms":20,"p99Ms":60,"cpuUsPerDelivery":12,"serverCpuS":6,"node1Clients":2501,"node2Clients":2500,"node1P50Ms":10,"node1P99Ms":40,"node2P50Ms":30,"node2P99Ms":70}
        """);
    Files.writeString(dir.resolve("node.jsonl"), """
        {"server":"node","scenario":"fanout-cluster","transport":"ws","broadcasts":100,"expected":500100,"delivered":500000,"missing":100,"incompleteClients":1,"duplicates":0,"failed":0,"p50Ms":10,"p99Ms":40,"cpuUsPerDelivery":15,"serverCpuS":7.5,"node1Clients":2501,"node2Clients":2500}
        """);
    Path out = dir.resolve("cluster.md");

    ClusterReport.main(new String[] {"--in", dir.toString(), "--out", out.toString()});

    String md = Files.readString(out);
    assertTrue(md.contains("| clients, sender included | 5,001 (2,501 + 2,500) | 5,001 (2,501 + 2,500) |  |"), md);
    assertTrue(md.contains("| clients that missed a broadcast | 0 | 1 |  |"), md);
    assertTrue(md.contains("| p99 latency, ms | 60.0 | 40.0 | 1.50 |"), md);
    assertTrue(md.contains("| server CPU per delivery, µs (both nodes) | 12.00 | 15.00 | 0.80 |"), md);
    assertTrue(md.contains("| p50 / p99 on node 2 (via Redis), ms | 30.0 / 70.0 | n/a / n/a |  |"), md);
  }

  private static JsonObject row(String json) {
    return JsonParser.parseString(json).getAsJsonObject();
  }
}
