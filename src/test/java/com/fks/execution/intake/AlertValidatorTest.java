package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.config.PerpetualSymbols;
import com.fks.execution.order.OrderKind;
import com.fks.execution.order.OrderTerms;
import com.fks.execution.order.OrderType;
import com.fks.execution.order.PriceLevel;
import com.fks.execution.order.QuantityType;
import com.fks.execution.order.Side;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

final class AlertValidatorTest {
    private static final String SECRET = "webhook-secret-0123456789";
    private static final String BASE = "\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\"";

    private final AlertParser parser = new AlertParser();
    private final List<String> nanFields = new ArrayList<>();
    private final AlertValidator validator = new AlertValidator(parser.mapper(), "paper", nanFields::add);

    // ---- a valid alert ----

    @Test
    void shouldBuildAMarketAlertWithDefaults() throws Exception {
        // given
        Instant at = Instant.parse("2026-01-02T03:04:05Z");

        // when
        Alert alert = validator.validate(body("{" + BASE + ",\"quantity\":0.5,\"price\":64000.5}"), at);

        // then
        assertThat(alert.symbol()).isEqualTo("BTCUSDT");
        assertThat(alert.side()).isEqualTo(Side.BUY);
        assertThat(alert.type()).isEqualTo(OrderType.MARKET);
        assertThat(alert.quantity()).isEqualByComparingTo("0.5");
        assertThat(alert.price()).isEqualByComparingTo("64000.5");
        assertThat(alert.confidence()).isEqualByComparingTo("1");
        assertThat(alert.exchange()).isEqualTo("paper");
        assertThat(alert.strategy()).isNull();
        assertThat(alert.timestamp()).isEqualTo(at);
        assertThat(alert.alertId()).matches("sha256-[0-9a-f]{64}");
        assertThat(nanFields).isEmpty();
    }

    @Test
    void shouldBuildALimitAlertWithEveryField() throws Exception {
        // when
        Alert alert = validate("{\"secret\":\"" + SECRET + "\",\"symbol\":\"ETHUSDC\",\"action\":\" SELL \","
                + "\"quantity\":\"2.25\",\"order_type\":\"LIMIT\",\"price\":3100,\"confidence\":0.8,"
                + "\"id\":\"alert-42\",\"exchange\":\"Binance\",\"strategy\":\"ema-cross\"}");

        // then
        assertThat(alert.symbol()).isEqualTo("ETHUSDC");
        assertThat(alert.side()).isEqualTo(Side.SELL);
        assertThat(alert.type()).isEqualTo(OrderType.LIMIT);
        assertThat(alert.quantity()).isEqualByComparingTo("2.25");
        assertThat(alert.price()).isEqualByComparingTo("3100");
        assertThat(alert.confidence()).isEqualByComparingTo("0.8");
        assertThat(alert.alertId()).isEqualTo("alert-42");
        assertThat(alert.exchange()).isEqualTo("binance");
        assertThat(alert.strategy()).isEqualTo("ema-cross");
    }

    @Test
    void shouldUseTheConfiguredDefaultExchange() throws Exception {
        // given
        AlertValidator coinbaseByDefault = new AlertValidator(parser.mapper(), "coinbase", nanFields::add);

        // when
        Alert alert = coinbaseByDefault.validate(body("{" + BASE + ",\"quantity\":1,\"price\":10}"), null);

        // then
        assertThat(alert.exchange()).isEqualTo("coinbase");
    }

    // ---- symbol ----

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "BTCUSDT, BTCUSDT",
            "BINANCE:BTCUSDT, BTCUSDT",
            "btc-usdt, BTCUSDT",
            "btc/usdt, BTCUSDT",
            "COINBASE:ETH-USD, ETHUSD",
            "'  ethusdc  ', ETHUSDC",
    })
    void shouldNormaliseTheSymbol(String raw, String expected) throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"" + raw + "\",\"action\":\"buy\",\"quantity\":1,\"price\":1}");

        // then
        assertThat(alert.symbol()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BTCUSDT.P", "BINANCE:BTCUSDT.P", "bybit:ethusdt.p"})
    void shouldRefuseAPerpetualSymbolByDefault(String raw) {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"" + raw + "\",\"action\":\"sell\",\"quantity\":1,\"price\":1}");

        // then: a perpetual strategy's sell is a short, which spot cannot be
        assertThat(e.reason()).isEqualTo(RejectionReason.PERPETUAL_NOT_SUPPORTED);
        assertThat(e.reason().httpStatus()).isEqualTo(422);
        assertThat(e.reason().kind()).isEqualTo(RejectionReason.Kind.VALIDATION);
        assertThat(e.getMessage()).contains("PERPETUAL_SYMBOLS=spot");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "BTCUSDT.P, BTCUSDT",
            "BINANCE:BTCUSDT.P, BTCUSDT",
            "bybit:ethusdt.p, ETHUSDT",
    })
    void shouldTradeThePerpetualsSpotPairWhenTheOperatorChoseSpot(String raw, String expected) throws Exception {
        // given
        AlertValidator spot = new AlertValidator(parser.mapper(), "paper", PerpetualSymbols.SPOT, nanFields::add);

        // when
        Alert alert = spot.validate(body("{\"symbol\":\"" + raw + "\",\"action\":\"buy\",\"quantity\":1,\"price\":1}"),
                null);

        // then
        assertThat(alert.symbol()).isEqualTo(expected);
    }

    @Test
    void shouldRefuseAPerpetualWithTheExplicitRefuseSetting() {
        // given
        AlertValidator refuse = new AlertValidator(parser.mapper(), "paper", PerpetualSymbols.REFUSE, nanFields::add);

        // when
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> refuse.validate(
                body("{\"symbol\":\"BTCUSDT.P\",\"action\":\"buy\",\"quantity\":1,\"price\":1}"), null));

        // then
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(RejectionReason.PERPETUAL_NOT_SUPPORTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\"symbol\":null", "\"symbol\":\"\"", "\"symbol\":\"   \""})
    void shouldRefuseAMissingSymbol(String symbolField) {
        // when
        AlertRejectedException e = rejected("{" + (symbolField.isEmpty() ? "" : symbolField + ",")
                + "\"action\":\"buy\",\"quantity\":1,\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.MISSING_SYMBOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"BTC USDT\"", "\"B\"", "\"BINANCE:\"", "\"BTC$USDT\"", "42", "NaN", "true", "[\"BTCUSDT\"]",
            "\"ABCDEFGHIJKLMNOPQRSTUVWXY\""})
    void shouldRefuseAnInvalidSymbol(String symbol) {
        // when
        AlertRejectedException e = rejected("{\"symbol\":" + symbol + ",\"action\":\"buy\",\"quantity\":1,\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_SYMBOL);
    }

    // ---- action ----

    @Test
    void shouldRefuseAMissingAction() {
        // when / then
        assertThat(rejected("{\"symbol\":\"BTCUSDT\",\"quantity\":1,\"price\":1}").reason())
                .isEqualTo(RejectionReason.MISSING_ACTION);
        assertThat(rejected("{\"symbol\":\"BTCUSDT\",\"action\":null,\"quantity\":1,\"price\":1}").reason())
                .isEqualTo(RejectionReason.MISSING_ACTION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"hold\"", "\"\"", "\"long\"", "1", "NaN", "true"})
    void shouldRefuseAnInvalidAction(String action) {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"action\":" + action + ",\"quantity\":1,\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_ACTION);
    }

    // ---- quantity ----

    @Test
    void shouldRefuseAMissingQuantity() {
        // when / then
        assertThat(rejected("{" + BASE + ",\"price\":1}").reason()).isEqualTo(RejectionReason.MISSING_QUANTITY);
        assertThat(rejected("{" + BASE + ",\"quantity\":null,\"price\":1}").reason())
                .isEqualTo(RejectionReason.MISSING_QUANTITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "\"NaN\"", "\"nan\"", "Infinity", "-Infinity", "+Infinity", "\"Infinity\"", "\"-Infinity\""})
    void shouldRefuseANonFiniteQuantityNamingTheField(String quantity) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":" + quantity + ",\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.QUANTITY_IS_NAN);
        assertThat(e.detail()).startsWith("quantity");
        assertThat(nanFields).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0.0", "-1", "-0.5", "\"-1\"", "1e400", "1e15", "\"1e400\"", "1e-19", "\"abc\"", "\"\"",
            "true", "[1]", "{\"v\":1}", "\"1,5\"", "\"0x10\""})
    void shouldRefuseAnInvalidQuantity(String quantity) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":" + quantity + ",\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_QUANTITY);
        assertThat(e.detail()).startsWith("quantity");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.000000000000000001", "999999999999999.9", "\"0.25\"", "\" 3 \"", "1E+2", "+5"})
    void shouldAcceptAQuantityInRange(String quantity) throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":" + quantity + ",\"price\":1}");

        // then
        assertThat(alert.quantity()).isPositive();
    }

    // ---- order type and price ----

    @ParameterizedTest
    @ValueSource(strings = {"\"stop\"", "\"\"", "1", "NaN", "true"})
    void shouldRefuseAnInvalidOrderType(String type) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"order_type\":" + type + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_ORDER_TYPE);
    }

    @Test
    void shouldRefuseALimitOrderWithoutAPrice() {
        // when / then
        assertThat(rejected("{" + BASE + ",\"quantity\":1,\"order_type\":\"limit\"}").reason())
                .isEqualTo(RejectionReason.MISSING_PRICE);
        assertThat(rejected("{" + BASE + ",\"quantity\":1,\"order_type\":\"limit\",\"price\":null}").reason())
                .isEqualTo(RejectionReason.MISSING_PRICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "\"NaN\"", "Infinity", "-Infinity"})
    void shouldRefuseANonFiniteLimitPriceNamingTheField(String price) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"order_type\":\"limit\",\"price\":" + price + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.PRICE_IS_NAN);
        assertThat(e.detail()).startsWith("price");
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit", "market"})
    void shouldRefuseAnInvalidPriceForEitherOrderType(String type) {
        // when / then
        for (String price : List.of("0", "-100", "\"cheap\"", "1e20", "true")) {
            AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"order_type\":\"" + type + "\",\"price\":"
                    + price + "}");
            assertThat(e.reason()).as("price %s", price).isEqualTo(RejectionReason.INVALID_PRICE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "\"NaN\"", "Infinity", "-Infinity", "null"})
    void shouldReplaceANonFiniteMarketPriceByNullAndCountIt(String price) throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":" + price + "}");

        // then
        assertThat(alert.price()).isNull();
        assertThat(nanFields).containsExactly("price");
        assertThat(json(alert.storedJson()).get("price").isNull()).isTrue();
    }

    @Test
    void shouldAcceptAMarketOrderWithoutAPrice() throws Exception {
        // when: the risk step, not validation, refuses it for lack of a usable price
        Alert alert = validate("{" + BASE + ",\"quantity\":1}");

        // then
        assertThat(alert.price()).isNull();
        assertThat(nanFields).isEmpty();
    }

    // ---- confidence ----

    @Test
    void shouldTakeAnAbsentConfidenceAsOne() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":1}");

        // then
        assertThat(alert.confidence()).isEqualByComparingTo("1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "0.6", "\"0.75\""})
    void shouldAcceptAConfidenceFromZeroToOne(String confidence) throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"confidence\":" + confidence + "}");

        // then
        assertThat(alert.confidence()).isEqualByComparingTo(confidence.replace("\"", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "\"NaN\"", "Infinity", "-Infinity", "null"})
    void shouldRefuseANonFiniteConfidence(String confidence) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"confidence\":" + confidence + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.CONFIDENCE_IS_NAN);
        assertThat(e.detail()).startsWith("confidence");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.01", "2", "-0.01", "-1", "\"high\"", "\"\"", "true", "[0.5]"})
    void shouldRefuseAConfidenceOutsideZeroToOne(String confidence) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"confidence\":" + confidence + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_CONFIDENCE);
    }

    // ---- exchange, strategy, id ----

    @ParameterizedTest
    @ValueSource(strings = {"\"kraken\"", "\"\"", "1", "true", "NaN"})
    void shouldRefuseAnUnknownExchange(String exchange) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"exchange\":" + exchange + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_EXCHANGE);
    }

    @Test
    void shouldRefuseAnInvalidStrategy() {
        // when / then
        for (String strategy : List.of("\"\"", "42", "NaN", "{\"a\":1}", "\"" + "s".repeat(201) + "\"")) {
            AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"strategy\":" + strategy + "}");
            assertThat(e.reason()).as("strategy %s", strategy).isEqualTo(RejectionReason.INVALID_STRATEGY);
        }
    }

    @Test
    void shouldAcceptAStrategyOf200Characters() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"strategy\":\"" + "s".repeat(200) + "\"}");

        // then
        assertThat(alert.strategy()).hasSize(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"has space\"", "\"tab\\there\"", "\"caf\u00e9\"", "true", "[\"a\"]"})
    void shouldRefuseAnInvalidId(String id) {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":" + id + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_ID);
    }

    @Test
    void shouldTakeTheEdgesOfPrintableAsciiInAnIdAndNothingPastThem() throws Exception {
        // when
        Alert edges = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"!~\"}");
        AlertRejectedException delete = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"a\u007fb\"}");
        AlertRejectedException control = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"a\\u001fb\"}");

        // then
        assertThat(edges.alertId()).isEqualTo("!~");
        assertThat(delete.reason()).isEqualTo(RejectionReason.INVALID_ID);
        assertThat(control.reason()).isEqualTo(RejectionReason.INVALID_ID);
    }

    @Test
    void shouldRefuseAnIdLongerThan200Characters() {
        // when
        AlertRejectedException e = rejected("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"" + "i".repeat(201) + "\"}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_ID);
    }

    @Test
    void shouldUseAnExplicitIdAsIs() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"BTC-long:2026-01-02T03:04\"}");
        Alert numeric = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":1767323045}");
        Alert longest = validate("{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":\"" + "i".repeat(200) + "\"}");

        // then
        assertThat(alert.alertId()).isEqualTo("BTC-long:2026-01-02T03:04");
        assertThat(numeric.alertId()).isEqualTo("1767323045");
        assertThat(longest.alertId()).isEqualTo("i".repeat(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
    void shouldNotGiveTwoDifferentAlertsWithANonFiniteIdTheSameAlertId(String id) {
        // given: a Pine template that renders its id from a series ("id": {{plot("bar")}}) sends a bare NaN
        // when the series has no value. Taken as the id "NaN", every later such alert within 24 h would be a
        // "duplicate" of the first and be dropped with a 200 and no order.
        String first = "{" + BASE + ",\"quantity\":1,\"price\":1,\"id\":" + id + "}";
        String second = "{" + BASE + ",\"quantity\":2,\"price\":1,\"id\":" + id + "}";

        // when
        Object a = idOrReason(first);
        Object b = idOrReason(second);

        // then: either both are refused (INVALID_ID) or each gets its own (content) id
        if (a instanceof RejectionReason || b instanceof RejectionReason) {
            assertThat(a).isEqualTo(RejectionReason.INVALID_ID);
            assertThat(b).isEqualTo(RejectionReason.INVALID_ID);
        } else {
            assertThat(a).isNotEqualTo(b);
        }
    }

    // ---- content id ----

    @Test
    void shouldGiveTheSameContentIdWhateverTheKeyOrder() throws Exception {
        // when
        Alert a = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":2,"
                + "\"ind\":{\"x\":1,\"y\":[1,{\"p\":1,\"q\":2}]}}");
        Alert b = validate("{\"ind\":{\"y\":[1,{\"q\":2,\"p\":1}],\"x\":1},\"price\":2,\"quantity\":1,"
                + "\"action\":\"buy\",\"symbol\":\"BTCUSDT\"}");

        // then
        assertThat(a.alertId()).startsWith("sha256-").isEqualTo(b.alertId());
    }

    @Test
    void shouldGiveAContentIdThatDoesNotDependOnTheSecret() throws Exception {
        // when
        Alert withSecret = validate("{\"secret\":\"" + SECRET + "\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1}");
        Alert otherSecret = validate("{\"secret\":\"another-secret-9876543210\",\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1}");
        Alert noSecret = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":1}");

        // then
        assertThat(withSecret.alertId()).isEqualTo(otherSecret.alertId()).isEqualTo(noSecret.alertId());
    }

    @Test
    void shouldGiveDifferentContentIdsToDifferentAlerts() throws Exception {
        // when
        Alert one = validate("{" + BASE + ",\"quantity\":1,\"price\":100}");
        Alert two = validate("{" + BASE + ",\"quantity\":2,\"price\":100}");
        Alert later = validate("{" + BASE + ",\"quantity\":1,\"price\":100,\"timestamp\":\"2026-01-02T03:05:00Z\"}");

        // then
        assertThat(one.alertId()).isNotEqualTo(two.alertId()).isNotEqualTo(later.alertId());
        assertThat(two.alertId()).isNotEqualTo(later.alertId());
    }

    @Test
    void shouldGiveAStableContentIdForTheSameBody() throws Exception {
        // given
        String body = "{" + BASE + ",\"quantity\":1,\"price\":100,\"rsi\":NaN}";

        // when
        String first = validate(body).alertId();
        String second = validate(body).alertId();

        // then
        assertThat(first).isEqualTo(second);
    }

    // ---- stored JSON ----

    @Test
    void shouldRemoveTheSecretFromTheStoredJson() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":100,\"rsi\":55.5}");

        // then
        assertThat(alert.storedJson()).doesNotContain(SECRET).doesNotContain("\"secret\"");
        JsonNode stored = json(alert.storedJson());
        assertThat(stored.get("symbol").textValue()).isEqualTo("BTCUSDT");
        assertThat(stored.get("rsi").decimalValue()).isEqualByComparingTo("55.5");
    }

    @Test
    void shouldKeepTheOriginalSymbolTextAndUnknownFieldsAsSent() throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BINANCE:BTCUSDT\",\"action\":\"buy\",\"quantity\":1,\"price\":1,"
                + "\"note\":\"golden cross\",\"levels\":[1,2,3]}");

        // then
        JsonNode stored = json(alert.storedJson());
        assertThat(stored.get("symbol").textValue()).isEqualTo("BINANCE:BTCUSDT");
        assertThat(stored.get("note").textValue()).isEqualTo("golden cross");
        assertThat(stored.get("levels").toString()).isEqualTo("[1,2,3]");
    }

    @Test
    void shouldReplaceNonFiniteTopLevelIndicatorsByNullAndCountEachUnderItsName() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":100,"
                + "\"rsi\":NaN,\"macd\":\"NaN\",\"upper\":Infinity,\"lower\":-Infinity,\"ok\":42,\"label\":\"text\"}");

        // then
        assertThat(nanFields).containsExactlyInAnyOrder("rsi", "macd", "upper", "lower");
        JsonNode stored = json(alert.storedJson());
        assertThat(stored.get("rsi").isNull()).isTrue();
        assertThat(stored.get("macd").isNull()).isTrue();
        assertThat(stored.get("upper").isNull()).isTrue();
        assertThat(stored.get("lower").isNull()).isTrue();
        assertThat(stored.get("ok").intValue()).isEqualTo(42);
        assertThat(stored.get("label").textValue()).isEqualTo("text");
        assertThat(alert.storedJson()).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void shouldReplaceNonFiniteNestedIndicatorsByNullAndCountThemUnderTheTopLevelField() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":100,"
                + "\"bands\":{\"upper\":NaN,\"lower\":1.5,\"deep\":{\"x\":\"Infinity\"}},\"series\":[1,NaN,[NaN]]}");

        // then
        assertThat(nanFields).containsExactlyInAnyOrder("bands", "series");
        JsonNode stored = json(alert.storedJson());
        assertThat(stored.at("/bands/upper").isNull()).isTrue();
        assertThat(stored.at("/bands/lower").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(stored.at("/bands/deep/x").isNull()).isTrue();
        assertThat(stored.get("series").toString()).isEqualTo("[1,null,[null]]");
    }

    @Test
    void shouldKeepANullIndicatorAsNullWithoutCountingIt() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":100,\"rsi\":null}");

        // then
        assertThat(json(alert.storedJson()).get("rsi").isNull()).isTrue();
        assertThat(nanFields).isEmpty();
    }

    @Test
    void shouldStoreAValidatedAlertAsValidStrictJson() throws Exception {
        // when
        Alert alert = validate("{" + BASE + ",\"quantity\":1,\"price\":NaN,\"rsi\":NaN}");

        // then: strict Jackson (no NaN allowed) can read it back
        JsonNode stored = new com.fasterxml.jackson.databind.ObjectMapper().readTree(alert.storedJson());
        assertThat(stored.get("price").isNull()).isTrue();
        assertThat(stored.get("rsi").isNull()).isTrue();
    }

    // ---- trading actions: exit, cancel, sentiment, quantity_type, stop_loss, take_profit ----

    private static final String MARKET_BUY = "\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.5,\"price\":50000";

    @Test
    void shouldTakeABuyWithoutTheNewFieldsAsAnEntryInBaseUnits() throws Exception {
        // when
        Alert alert = validate("{" + MARKET_BUY + "}");

        // then: what every alert of earlier versions was
        assertThat(alert.action()).isEqualTo(AlertAction.BUY);
        assertThat(alert.sentiment()).isNull();
        assertThat(alert.terms()).isEqualTo(OrderTerms.ENTRY);
    }

    @Test
    void shouldMakeAnExitWithoutQuantityAMarketSellOfTheWholePosition() throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"EXIT\",\"price\":50000}");

        // then
        assertThat(alert.action()).isEqualTo(AlertAction.EXIT);
        assertThat(alert.side()).isEqualTo(Side.SELL);
        assertThat(alert.type()).isEqualTo(OrderType.MARKET);
        assertThat(alert.quantity()).isEqualByComparingTo("100");
        assertThat(alert.price()).isEqualByComparingTo("50000");
        assertThat(alert.terms()).isEqualTo(OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION));
    }

    @ParameterizedTest
    @ValueSource(strings = {"25", "100", "0.5", "\"50\""})
    void shouldExitAShareOfThePositionWithPercentOfPosition(String percent) throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"exit\",\"quantity_type\":\"percent_of_position\","
                + "\"quantity\":" + percent + "}");

        // then
        assertThat(alert.quantity()).isEqualByComparingTo(percent.replace("\"", ""));
        assertThat(alert.terms().kind()).isEqualTo(OrderKind.EXIT);
        assertThat(alert.terms().quantityType()).isEqualTo(QuantityType.PERCENT_OF_POSITION);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'\"quantity\":150', PERCENT_OUT_OF_RANGE",
            "'\"quantity\":100.0001', PERCENT_OUT_OF_RANGE",
            "'\"quantity\":0', INVALID_QUANTITY",
            "'\"quantity\":NaN', QUANTITY_IS_NAN",
            "'\"price\":1', MISSING_QUANTITY",
    })
    void shouldRefuseAnExitPercentOutsideZeroToHundred(String quantity, RejectionReason reason) {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"action\":\"exit\","
                + "\"quantity_type\":\"percent_of_position\"," + quantity + "}");

        // then
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.reason().httpStatus()).isEqualTo(422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"quantity\":0.5", "\"quantity\":0.5,\"quantity_type\":\"base\"",
            "\"quantity\":500,\"quantity_type\":\"quote\"", "\"quantity\":50,\"quantity_type\":\"percent_of_balance\"",
            "\"quantity_type\":\"base\""})
    void shouldRefuseAnExplicitExitSizedInAnythingButPercentOfPosition(String sizing) {
        // when: selling the whole position instead of the quantity written would be a surprise with money in it
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"action\":\"exit\"," + sizing + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.QUANTITY_TYPE_NOT_ALLOWED);
    }

    @Test
    void shouldMakeAnExitAMarketOrderWhateverItsOrderTypeAndNeedNoPrice() throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"exit\",\"order_type\":\"limit\"}");

        // then
        assertThat(alert.type()).isEqualTo(OrderType.MARKET);
        assertThat(alert.price()).isNull();
    }

    @Test
    void shouldMakeACancelThatTradesNothingAndKeepsItsPrice() throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"ETHUSDT\",\"action\":\"Cancel\",\"price\":3000}");
        Alert withoutPrice = validate("{\"symbol\":\"ETHUSDT\",\"action\":\"cancel\",\"quantity\":2}");

        // then
        assertThat(alert.action()).isEqualTo(AlertAction.CANCEL);
        assertThat(alert.side()).isEqualTo(Side.SELL);
        assertThat(alert.type()).isEqualTo(OrderType.MARKET);
        assertThat(alert.quantity()).isEqualByComparingTo("0");
        assertThat(alert.price()).isEqualByComparingTo("3000");
        assertThat(alert.terms().kind()).isEqualTo(OrderKind.CANCEL);
        assertThat(withoutPrice.price()).isNull();
        assertThat(withoutPrice.quantity()).isEqualByComparingTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "0", "\"many\""})
    void shouldRefuseACancelWhoseUnneededQuantityIsNotANumber(String quantity) {
        // when / then: a field that is there must still make sense, whether or not this action uses it
        assertThat(rejected("{\"symbol\":\"ETHUSDT\",\"action\":\"cancel\",\"quantity\":" + quantity + "}").reason())
                .isIn(RejectionReason.QUANTITY_IS_NAN, RejectionReason.INVALID_QUANTITY);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "long, LONG", "LONG, LONG", "bullish, LONG", "' Bullish ', LONG",
            "short, SHORT", "bearish, SHORT", "flat, FLAT", "FLAT, FLAT",
    })
    void shouldReadTheSentimentAndItsAliases(String raw, Sentiment expected) throws Exception {
        // when: a cancel, so that no sentiment turns it into something else
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"cancel\",\"sentiment\":\"" + raw + "\"}");

        // then
        assertThat(alert.sentiment()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"neutral\"", "\"longish\"", "1", "NaN", "true", "[\"long\"]", "{}"})
    void shouldRefuseAnInvalidSentiment(String sentiment) {
        // when
        AlertRejectedException e = rejected("{" + MARKET_BUY + ",\"sentiment\":" + sentiment + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_SENTIMENT);
        assertThat(e.reason().httpStatus()).isEqualTo(422);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buy", "sell", "cancel", "exit"})
    void shouldMakeAnyFlatAlertAnExitOfTheWholePositionWhateverItsQuantity(String action) throws Exception {
        // when: what a strategy template renders when the strategy closes its position
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"" + action + "\",\"sentiment\":\"flat\"}");
        Alert sized = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"sell\",\"sentiment\":\"flat\",\"quantity\":0.37,"
                + "\"quantity_type\":\"quote\",\"order_type\":\"limit\",\"price\":50000}");

        // then
        for (Alert exit : List.of(alert, sized)) {
            assertThat(exit.action()).isEqualTo(AlertAction.EXIT);
            assertThat(exit.side()).isEqualTo(Side.SELL);
            assertThat(exit.type()).isEqualTo(OrderType.MARKET);
            assertThat(exit.quantity()).isEqualByComparingTo("100");
            assertThat(exit.terms()).isEqualTo(OrderTerms.of(OrderKind.EXIT, QuantityType.PERCENT_OF_POSITION));
        }
        assertThat(sized.price()).isEqualByComparingTo("50000");
    }

    @Test
    void shouldMakeASellWithShortAnExitOfTheLongAndLeaveABuyWithShortForThePipelineToIgnore() throws Exception {
        // when: a long/short strategy that reverses sells twice its position and is then short
        Alert reversal = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"sell\",\"sentiment\":\"short\",\"quantity\":2}");
        Alert exit = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"exit\",\"sentiment\":\"bearish\"}");
        Alert cover = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"sentiment\":\"short\",\"quantity\":1,\"price\":1}");
        Alert cancel = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"cancel\",\"sentiment\":\"short\"}");

        // then
        assertThat(reversal.action()).isEqualTo(AlertAction.EXIT);
        assertThat(reversal.quantity()).isEqualByComparingTo("100");
        assertThat(reversal.sentiment()).isEqualTo(Sentiment.SHORT);
        assertThat(exit.action()).isEqualTo(AlertAction.EXIT);
        assertThat(cover.action()).isEqualTo(AlertAction.BUY);
        assertThat(cover.sentiment()).isEqualTo(Sentiment.SHORT);
        assertThat(cancel.action()).isEqualTo(AlertAction.CANCEL);
    }

    @Test
    void shouldKeepASellWithLongASellOfItsQuantity() throws Exception {
        // when: a strategy that scales out and is still long
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"sell\",\"sentiment\":\"long\",\"quantity\":0.2,\"price\":1}");

        // then
        assertThat(alert.action()).isEqualTo(AlertAction.SELL);
        assertThat(alert.quantity()).isEqualByComparingTo("0.2");
        assertThat(alert.terms()).isEqualTo(OrderTerms.ENTRY);
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "buy, base, BASE", "buy, QUOTE, QUOTE", "buy, percent_of_balance, PERCENT_OF_BALANCE",
            "sell, ' quote ', QUOTE", "sell, percent_of_balance, PERCENT_OF_BALANCE",
            "sell, Percent_Of_Position, PERCENT_OF_POSITION",
    })
    void shouldKeepTheQuantityTypeOfAnEntry(String action, String raw, QuantityType expected) throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"" + action + "\",\"quantity\":25,\"price\":1,"
                + "\"quantity_type\":\"" + raw + "\"}");

        // then: the quantity stays in its own unit; the engine resolves it when it sends
        assertThat(alert.terms()).isEqualTo(new OrderTerms(OrderKind.ENTRY, expected, null, null, null, null));
        assertThat(alert.quantity()).isEqualByComparingTo("25");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"fixed_quantity\"", "\"dollar_amount\"", "\"percent\"", "1", "NaN", "[]"})
    void shouldRefuseAnInvalidQuantityType(String quantityType) {
        // when
        AlertRejectedException e = rejected("{" + MARKET_BUY + ",\"quantity_type\":" + quantityType + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_QUANTITY_TYPE);
    }

    @Test
    void shouldRefuseABuySizedAsAPercentOfPosition() {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":50,"
                + "\"quantity_type\":\"percent_of_position\",\"price\":1}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.QUANTITY_TYPE_NOT_ALLOWED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"buy,percent_of_balance", "sell,percent_of_balance", "sell,percent_of_position"})
    void shouldRefuseAnEntryPercentOver100(String actionAndType) throws Exception {
        // given
        String[] at = actionAndType.split(",");
        String alert = "{\"symbol\":\"BTCUSDT\",\"action\":\"" + at[0] + "\",\"quantity_type\":\"" + at[1]
                + "\",\"price\":1,\"quantity\":";

        // when / then
        assertThat(rejected(alert + "100.5}").reason()).isEqualTo(RejectionReason.PERCENT_OUT_OF_RANGE);
        assertThat(rejected(alert + "0}").reason()).isEqualTo(RejectionReason.INVALID_QUANTITY);
        assertThat(validate(alert + "100}").quantity()).isEqualByComparingTo("100");
    }

    @Test
    void shouldAcceptAQuoteAmountOverAHundred() throws Exception {
        // when: only percents are capped at 100
        Alert alert = validate("{" + BASE + ",\"quantity\":500,\"quantity_type\":\"quote\",\"price\":1}");

        // then
        assertThat(alert.quantity()).isEqualByComparingTo("500");
    }

    @Test
    void shouldKeepTheStopLossAndTakeProfitOfABuy() throws Exception {
        // when
        Alert byPrice = validate("{" + MARKET_BUY + ",\"stop_loss\":{\"price\":48000},\"take_profit\":{\"price\":\"52000.5\"}}");
        Alert byPercent = validate("{" + MARKET_BUY + ",\"stop_loss\":{\"percent\":2.5},\"take_profit\":{\"percent\":150}}");
        Alert onlyStop = validate("{" + MARKET_BUY + ",\"stop_loss\":{\"percent\":99.99},\"take_profit\":null}");

        // then
        assertThat(byPrice.terms().stopLoss()).isEqualTo(PriceLevel.atPrice(new java.math.BigDecimal("48000")));
        assertThat(byPrice.terms().takeProfit()).isEqualTo(PriceLevel.atPrice(new java.math.BigDecimal("52000.5")));
        assertThat(byPrice.terms().kind()).isEqualTo(OrderKind.ENTRY);
        assertThat(byPercent.terms().stopLoss()).isEqualTo(PriceLevel.atPercent(new java.math.BigDecimal("2.5")));
        assertThat(byPercent.terms().takeProfit()).isEqualTo(PriceLevel.atPercent(new java.math.BigDecimal("150")));
        assertThat(onlyStop.terms().takeProfit()).isNull();
        assertThat(onlyStop.terms().wantsProtection()).isTrue();
        assertThat(json(byPrice.storedJson()).get("stop_loss").get("price").decimalValue()).isEqualByComparingTo("48000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"price\":48000,\"percent\":2}", "{\"stop\":48000}", "{\"Price\":48000}", "48000",
            "\"2%\"", "[48000]", "true", "{\"price\":0}", "{\"price\":-1}", "{\"percent\":-2}", "{\"price\":NaN}",
            "{\"percent\":\"NaN\"}", "{\"price\":null}", "{\"price\":\"cheap\"}", "{\"price\":1e20}",
            "{\"percent\":100}", "{\"percent\":250}", "{\"price\":{\"v\":1}}"})
    void shouldRefuseAnInvalidStopLoss(String stopLoss) {
        // when
        AlertRejectedException e = rejected("{" + MARKET_BUY + ",\"stop_loss\":" + stopLoss + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_STOP_LOSS);
        assertThat(e.detail()).startsWith("stop_loss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"price\":52000,\"percent\":2}", "{\"limit\":52000}", "52000", "{\"percent\":0}",
            "{\"price\":-5}", "{\"percent\":Infinity}", "{\"percent\":null}", "{\"percent\":1e15}"})
    void shouldRefuseAnInvalidTakeProfit(String takeProfit) {
        // when
        AlertRejectedException e = rejected("{" + MARKET_BUY + ",\"take_profit\":" + takeProfit + "}");

        // then
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_TAKE_PROFIT);
        assertThat(e.detail()).startsWith("take_profit");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "'\"order_type\":\"limit\",\"price\":50000,\"stop_loss\":{\"price\":50000}', STOP_LOSS_NOT_BELOW_PRICE",
            "'\"order_type\":\"limit\",\"price\":50000,\"stop_loss\":{\"price\":51000}', STOP_LOSS_NOT_BELOW_PRICE",
            "'\"order_type\":\"limit\",\"price\":50000,\"take_profit\":{\"price\":50000}', TAKE_PROFIT_NOT_ABOVE_PRICE",
            "'\"order_type\":\"limit\",\"price\":50000,\"take_profit\":{\"price\":49000}', TAKE_PROFIT_NOT_ABOVE_PRICE",
            "'\"price\":50000,\"stop_loss\":{\"price\":50001}', STOP_LOSS_NOT_BELOW_PRICE",
            "'\"price\":50000,\"take_profit\":{\"price\":49999.99}', TAKE_PROFIT_NOT_ABOVE_PRICE",
            "'\"stop_loss\":{\"price\":52000},\"take_profit\":{\"price\":48000}', STOP_LOSS_NOT_BELOW_TAKE_PROFIT",
            "'\"stop_loss\":{\"price\":50000},\"take_profit\":{\"price\":50000}', STOP_LOSS_NOT_BELOW_TAKE_PROFIT",
    })
    void shouldRefuseProtectionOnTheWrongSideOfThePrice(String fields, RejectionReason reason) {
        // when
        AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.1," + fields + "}");

        // then
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.reason().httpStatus()).isEqualTo(422);
    }

    @Test
    void shouldAcceptAbsoluteProtectionOnAMarketBuyWithoutAPrice() throws Exception {
        // when: nothing to hold the levels against but each other
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":\"buy\",\"quantity\":0.1,"
                + "\"stop_loss\":{\"price\":48000},\"take_profit\":{\"price\":52000}}");

        // then
        assertThat(alert.terms().wantsProtection()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"action\":\"sell\",\"quantity\":1", "\"action\":\"exit\"", "\"action\":\"cancel\""})
    void shouldRefuseProtectionOnAnythingButABuy(String action) {
        // when / then
        for (String protection : List.of("\"stop_loss\":{\"percent\":2}", "\"take_profit\":{\"price\":60000}")) {
            AlertRejectedException e = rejected("{\"symbol\":\"BTCUSDT\"," + action + ",\"price\":50000," + protection + "}");
            assertThat(e.reason()).as("%s with %s", action, protection).isEqualTo(RejectionReason.PROTECTION_NOT_ALLOWED);
        }
    }

    @Test
    void shouldIgnoreTheProtectionOfAStrategyTemplatesExitsAndSells() throws Exception {
        // given one strategy template for every fill: its entries carry protection, and so do its exits
        String template = "\"symbol\":\"BTCUSDT\",\"quantity\":0.5,\"price\":50000,"
                + "\"stop_loss\":{\"percent\":NaN},\"take_profit\":{\"percent\":4}";

        // when
        Alert close = validate("{" + template + ",\"action\":\"sell\",\"sentiment\":\"flat\"}");
        Alert scaleOut = validate("{" + template + ",\"action\":\"sell\",\"sentiment\":\"long\"}");

        // then: the exit is not lost to fields it has no use for, and what is kept is strict JSON
        assertThat(close.action()).isEqualTo(AlertAction.EXIT);
        assertThat(close.terms().wantsProtection()).isFalse();
        assertThat(scaleOut.action()).isEqualTo(AlertAction.SELL);
        assertThat(scaleOut.terms().wantsProtection()).isFalse();
        JsonNode stored = new com.fasterxml.jackson.databind.ObjectMapper().readTree(close.storedJson());
        assertThat(stored.get("stop_loss").get("percent").isNull()).isTrue();
        assertThat(stored.get("take_profit").get("percent").intValue()).isEqualTo(4);
    }

    @Test
    void shouldStillCheckTheProtectionOfAStrategyTemplatesBuy() {
        // when
        AlertRejectedException e = rejected("{" + MARKET_BUY + ",\"sentiment\":\"long\",\"stop_loss\":{\"percent\":NaN}}");

        // then: a buy that asked for protection never goes out without it
        assertThat(e.reason()).isEqualTo(RejectionReason.INVALID_STOP_LOSS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"exit\"", "\"cancel\"", "\"EXIT\""})
    void shouldAcceptTheNewActionsAnyCase(String action) throws Exception {
        // when
        Alert alert = validate("{\"symbol\":\"BTCUSDT\",\"action\":" + action + "}");

        // then
        assertThat(alert.action().isEntry()).isFalse();
    }

    private ObjectNode body(String json) throws AlertRejectedException {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private Alert validate(String json) throws AlertRejectedException {
        return validator.validate(body(json), null);
    }

    private AlertRejectedException rejected(String json) {
        AlertRejectedException e = catchThrowableOfType(AlertRejectedException.class, () -> validate(json));
        assertThat(e).as("expected the alert to be refused: %s", json).isNotNull();
        return e;
    }

    private Object idOrReason(String json) {
        try {
            return validate(json).alertId();
        } catch (AlertRejectedException e) {
            return e.reason();
        }
    }

    private JsonNode json(String text) throws AlertRejectedException {
        return parser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", " nan ", "INFINITY", "+Infinity\t", "-infinity", "inf", "-INF", "\n+infinity\n"})
    void shouldTakeTheNonFiniteWordsInAnyCaseAndPadding(String text) {
        // when / then
        assertThat(AlertValidator.isNonFinite(com.fasterxml.jackson.databind.node.TextNode.valueOf(text))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "na", "nan1", "infinity!", "++infinity", "infinityinfinity", "\u0130nf", "i n f"})
    void shouldNotTakeOtherTextForANonFiniteWord(String text) {
        // when / then
        assertThat(AlertValidator.isNonFinite(com.fasterxml.jackson.databind.node.TextNode.valueOf(text))).isFalse();
    }

    /** Every alert's id (and any other text field) is asked whether it is NaN. */
    @Test
    void shouldTellALongTextIsNotNanWithoutCopyingIt() {
        // given
        var id = com.fasterxml.jackson.databind.node.TextNode.valueOf("Bench-Run-Thread-1234567890-Counter-42");

        // when
        double bytes = com.fks.execution.testsupport.Allocation.bytesPerCall(() -> AlertValidator.isNonFinite(id));

        // then
        assertThat(bytes).isLessThan(8);
    }
}
