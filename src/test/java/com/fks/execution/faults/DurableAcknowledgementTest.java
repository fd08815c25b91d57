package com.fks.execution.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.ExternalCommand;
import com.fks.execution.testsupport.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 202 means the alert is on disk, not in the page cache: traced with strace attached to the running service,
 * for each acknowledged alert the write of its record is followed by an fdatasync (or fsync) of the same file
 * that returned 0 before the first byte of the 202 was written to the socket. A power loss after the answer
 * cannot lose the alert. (The H2 store this replaced forced nothing: 0 syncs for 20 alerts.)
 */
final class DurableAcknowledgementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+(?:<\\.\\.\\. (\\w+) resumed>|(\\w+)\\((\\d+)?)(.*)$");

    @TempDir
    Path tmp;

    @Test
    void shouldForceEachAcceptedAlertToDiskBeforeAnsweringIt() throws Exception {
        ExternalCommand.require("strace", "strace");
        try (ServiceProcess service = ServiceProcess.start(Map.of("DATA_DIR", tmp.resolve("data").toString()))) {
            // given strace attached to every thread of the running service
            Path trace = tmp.resolve("trace");
            Process strace = new ProcessBuilder("strace", "-f", "-qq", "-s", "4096", "-e",
                    "trace=pwrite64,write,writev,sendto,sendmsg,fdatasync,fsync", "-o", trace.toString(),
                    "-p", Long.toString(service.pid())).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("strace.out").toFile()).start();
            waitForAttach(service, trace);

            // when alerts are sent one at a time
            Map<String, String> orderByAlert = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                String alertId = Alerts.uniqueId();
                HttpResponse<String> response = service.postWebhook(Alerts.valid(alertId));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                orderByAlert.put(alertId, JSON.readTree(response.body()).path("order_id").asText());
            }
            strace.destroy();
            assertThat(strace.waitFor(10, TimeUnit.SECONDS)).isTrue();

            // then for each: record written, then a sync of that file returned 0, then the 202 went out
            List<String> lines = Files.readAllLines(trace);
            for (Map.Entry<String, String> alert : orderByAlert.entrySet()) {
                assertThat(syncBetweenRecordAndAnswer(lines, alert.getKey(), alert.getValue()))
                        .as("alert %s (order %s): its record's write, a sync of that file, then its 202, in %s",
                                alert.getKey(), alert.getValue(), trace).isTrue();
            }
        }
    }

    @Test
    void shouldForceThePaperExchangesBookFileEverySecondInsteadOfLeavingItToTheKernel() throws Exception {
        ExternalCommand.require("strace", "strace");
        try (ServiceProcess service = ServiceProcess.start(Map.of("DATA_DIR", tmp.resolve("data").toString()))) {
            // given strace attached to every thread of the running service, naming the file of each descriptor
            Path trace = tmp.resolve("trace");
            Process strace = new ProcessBuilder("strace", "-f", "-qq", "-y", "-s", "4096", "-e",
                    "trace=pwrite64,write,writev,fdatasync,fsync",
                    "-o", trace.toString(), "-p", Long.toString(service.pid())).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("strace.out").toFile()).start();
            waitForAttach(service, trace);

            // when orders are filled by the paper exchange
            for (int i = 0; i < 5; i++) {
                assertThat(service.postWebhook(Alerts.valid(Alerts.uniqueId())).statusCode()).isEqualTo(202);
            }

            // then within a few seconds the paper book's file is forced (MVStore by itself forces it only when it closes)
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean forced = false;
            while (!forced && System.nanoTime() < deadline) {
                Thread.sleep(250);
                forced = Files.readAllLines(trace).stream().anyMatch(l -> l.matches(
                        ".*\\b(fsync|fdatasync)\\(\\d+<[^>]*paper-book\\.mv\\.db>\\).*= 0.*"));
            }
            strace.destroy();
            assertThat(strace.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(forced).as("an fsync of paper-book.mv.db that returned 0, in %s", trace).isTrue();
        }
    }

    /** Sends alerts until one shows in the trace: strace is attached to every thread by then. */
    private static void waitForAttach(ServiceProcess service, Path trace) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            String probe = Alerts.uniqueId();
            service.postWebhook(Alerts.valid(probe));
            if (Files.exists(trace) && Files.readString(trace).contains(probe)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("strace did not attach to the service within 20 s");
    }

    private static boolean syncBetweenRecordAndAnswer(List<String> lines, String alertId, String orderId) {
        int recordAt = -1;
        String recordFd = null;
        Map<String, String> pendingSyncFd = new HashMap<>();
        List<Integer> syncsOfRecordFile = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = CALL.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String pid = m.group(1);
            String resumed = m.group(2);
            String call = m.group(3);
            String fd = m.group(4);
            String rest = m.group(5);
            if (call != null && call.equals("pwrite64") && recordAt < 0 && rest.contains(alertId)) {
                recordAt = i;
                recordFd = fd;
            }
            if (call != null && (call.equals("fdatasync") || call.equals("fsync"))) {
                if (rest.contains("<unfinished")) {
                    pendingSyncFd.put(pid, fd);
                } else if (rest.trim().endsWith("= 0")) {
                    if (fd.equals(recordFd) && recordAt >= 0) {
                        syncsOfRecordFile.add(i);
                    }
                }
            }
            if (resumed != null && (resumed.equals("fdatasync") || resumed.equals("fsync"))) {
                String syncFd = pendingSyncFd.remove(pid);
                if (rest.trim().endsWith("= 0") && syncFd != null && syncFd.equals(recordFd) && recordAt >= 0) {
                    syncsOfRecordFile.add(i);
                }
            }
            boolean answer = call != null && (call.equals("write") || call.equals("writev") || call.equals("sendto")
                    || call.equals("sendmsg")) && rest.contains("order_id\\\":\\\"" + orderId);
            if (answer) {
                int answeredAt = i;
                int recordedAt = recordAt;
                return recordAt >= 0 && syncsOfRecordFile.stream().anyMatch(s -> s > recordedAt && s < answeredAt);
            }
        }
        return false;
    }
}
