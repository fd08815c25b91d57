package com.fks.execution.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.testexchange.BinanceTestExchange;
import com.fks.execution.testsupport.Alerts;
import com.fks.execution.testsupport.BinanceBackedServices;
import com.fks.execution.testsupport.InProcessService;
import com.fks.execution.testsupport.ServiceProcess;
import com.fks.execution.testsupport.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk while an entry fills and its protection is due: whatever the store could and could not write during
 * the fault, once the disk is mended the entry is recorded filled and its protection is on the exchange once.
 */
final class ProtectionOnFullDiskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = BinanceBackedServices.ADMIN;

    @RegisterExtension
    final BinanceBackedServices venue = new BinanceBackedServices();
    @TempDir
    Path tmp;

    @Test
    void shouldProtectTheEntryOnceAfterTheDiskIsMended() throws Exception {
        Tmpfs tmpfs = Tmpfs.mount(tmp, "8m", "ProtectionOnFullDiskTest");
        Path disk = tmpfs.root();
        try {
            BinanceTestExchange binance = venue.exchange();
            binance.setBalance("USDT", new BigDecimal("100000")).setBalance("BTC", BigDecimal.ZERO)
                    .setLastPrice("BTCUSDT", new BigDecimal("30000"));
            InProcessService service = venue.service(Map.of("DATA_DIR", disk.resolve("data").toString()));
            HttpResponse<String> accepted = service.webhook("{\"secret\":\"" + ServiceProcess.SECRET + "\",\"id\":\""
                    + Alerts.uniqueId() + "\",\"exchange\":\"binance\",\"symbol\":\"BINANCE:BTCUSDT\","
                    + "\"strategy\":\"trend\",\"action\":\"buy\",\"order_type\":\"limit\",\"quantity\":0.01,"
                    + "\"price\":29000,\"stop_loss\":{\"price\":28000},\"take_profit\":{\"price\":31000}}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String entry = JSON.readTree(accepted.body()).path("order_id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(service, entry), "SUBMITTED"::equals);

            // when the disk fills up and the entry fills at the venue meanwhile
            Path filler = disk.resolve("filler");
            Tmpfs.fill(filler);
            binance.setLastPrice("BTCUSDT", new BigDecimal("29000"));
            Thread.sleep(7_000); // the engine's regular look at resting orders comes every 5 s
            System.out.printf("full disk: entry %s, lists on the exchange %d%n", status(service, entry),
                    binance.orderLists().size());

            // and the disk is mended
            Files.delete(filler);

            // then the entry is filled and protected, by one list
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(250))
                    .until(() -> status(service, entry + "p"), "SUBMITTED"::equals);
            assertThat(status(service, entry)).isEqualTo("FILLED");
            assertThat(binance.orderLists()).hasSize(1);
            venue.closeServices();
        } finally {
            tmpfs.close();
        }
    }

    private static String status(InProcessService service, String orderId) throws IOException {
        HttpResponse<String> r = service.get("/orders/" + orderId, "Authorization", "Bearer " + ADMIN);
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("status").asText() : "HTTP " + r.statusCode();
    }

}
