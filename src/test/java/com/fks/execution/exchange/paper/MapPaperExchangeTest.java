package com.fks.execution.exchange.paper;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;

/** Every test of {@link PaperExchangeTest}, on the embedded book the service runs: MVStore maps. */
final class MapPaperExchangeTest extends PaperExchangeTest {
    @Override
    PaperBook openBook(Path dataDir, Map<String, BigDecimal> balances) {
        return MapPaperBook.in(dataDir, balances);
    }
}
