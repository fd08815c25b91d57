package com.fks.execution.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fks.execution.exchange.ExchangeRegistry;
import com.fks.execution.execution.ExecutionEngine;
import com.fks.execution.metrics.ExecutionMetrics;
import com.fks.execution.order.NewOrder;
import com.fks.execution.order.OrderStore;
import com.fks.execution.order.Position;
import com.fks.execution.order.RecordResult;
import com.fks.execution.order.StoreUnavailableException;
import com.fks.execution.ratelimit.RateLimiter;
import com.fks.execution.risk.KillSwitch;
import com.fks.execution.risk.RiskCheck;
import com.fks.execution.risk.RiskDenial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Decides what happens to one webhook call. The steps run in this order, each with its own reason code:
 * body size, IP allow-list, rate limit, parse, authenticate, replay window, fields, exchange configured, then
 * for an entry confidence, risk and kill switch, for an exit the position, and last de-duplicate and record.
 * Only the last step writes anything, so every refusal leaves no trace in the order book, and a 5xx is answered
 * only when nothing was recorded (TradingView then resends, and de-duplication makes the resend safe).
 */
public final class WebhookPipeline {
    private static final Logger log = LoggerFactory.getLogger(WebhookPipeline.class);

    /** The parts the pipeline needs; plain constructor wiring, no container. */
    public record Parts(int maxBodyBytes, BigDecimal minConfidence, ClientAddressResolver addresses,
                        IpAllowList allowList, RateLimiter rateLimiter, AlertParser parser,
                        Authenticator authenticator, ReplayWindow replayWindow, AlertValidator validator,
                        RiskCheck risk, KillSwitch killSwitch, ExchangeRegistry exchanges, OrderStore store,
                        ExecutionEngine engine, ExecutionMetrics metrics, BooleanSupplier ready, Clock clock) {
    }

    private final Parts p;

    private static final long REFUSED_BODY_GRACE_NANOS = 100_000_000L;

    public WebhookPipeline(Parts parts) {
        this.p = parts;
    }

    public WebhookResponse handle(WebhookRequest given) {
        long started = System.nanoTime();
        WatchedBody body = new WatchedBody(given.body());
        WebhookRequest request = new WebhookRequest(given.peerAddress(), given.forwardedFor(), given.contentType(),
                given.signature(), given.declaredLength(), body);
        p.metrics().requestStarted();
        WebhookResponse response;
        try {
            response = decide(request);
        } catch (AlertRejectedException e) {
            response = refuse(e.reason(), e.detail(), null);
        } catch (RuntimeException e) {
            // A bug, not the client's doing; nothing was recorded (recording is the last step), so a 503 is
            // safe and lets TradingView resend.
            log.error("unexpected failure while handling a webhook; answered 503", e);
            response = refuse(RejectionReason.NOT_READY, "internal error; nothing was recorded, retry", null);
        } finally {
            MDC.remove("alert_id");
            MDC.remove("order_id");
        }
        if (!body.ended() && response.status() != RejectionReason.BODY_TOO_LARGE.httpStatus()) {
            drainUnread(body, !RejectionReason.IP_NOT_ALLOWED.code().equals(response.reason()), given.declaredLength());
        }
        p.metrics().requestFinished(response.status(), response.reason(), System.nanoTime() - started);
        return response;
    }

    /**
     * Reads what is left of a body the pipeline refused before reading (415, 503), up to the size limit.
     * Jetty closes a connection whose request body is left unread, and a close while that body is still
     * arriving resets the connection: the answer can be destroyed on its way to the client, which then
     * cannot tell whether the request was seen. A client outside the allow-list is waited for 100 ms at most
     * (its declared length, or what arrives in that time), so a stalled body from a refused address cannot hold
     * a thread. A body over the limit is not read at all; its 413 says close.
     */
    private void drainUnread(InputStream body, boolean waitForTheRest, long declaredLength) {
        byte[] sink = new byte[8192];
        long left = declaredLength >= 0 && !waitForTheRest ? declaredLength : p.maxBodyBytes() + 1L;
        // A refused address gets a short grace for a body still on its way (a client sends it just after the
        // headers), never more: a stalled body must not hold the thread.
        long graceUntil = System.nanoTime() + REFUSED_BODY_GRACE_NANOS;
        try {
            while (left > 0) {
                int ready = waitForTheRest ? sink.length : Math.min(sink.length, body.available());
                if (ready == 0 && !waitForTheRest && System.nanoTime() < graceUntil) {
                    Thread.sleep(1);
                    continue;
                }
                int n = ready == 0 ? -1 : body.read(sink, 0, (int) Math.min(ready, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // the client left; there is nobody to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private WebhookResponse decide(WebhookRequest request) throws AlertRejectedException {
        if (!p.ready().getAsBoolean()) {
            throw new AlertRejectedException(RejectionReason.NOT_READY, "the service is starting or shutting down");
        }
        if (request.declaredLength() > p.maxBodyBytes()) {
            throw tooLarge();
        }
        InetAddress client = p.addresses().resolve(request.peerAddress(), request.forwardedFor());
        if (!p.allowList().allows(client)) {
            p.metrics().ipRejection();
            log.info("webhook refused: client address {} is not in IP_WHITELIST", client == null ? "unknown"
                    : client.getHostAddress());
            throw new AlertRejectedException(RejectionReason.IP_NOT_ALLOWED, "this address may not call the webhook");
        }
        RateLimiter.Decision decision = p.rateLimiter().tryAcquire(client == null ? "unknown" : client.getHostAddress());
        if (!decision.allowed()) {
            return rateLimited(request, decision.retryAfterSeconds());
        }
        checkMediaType(request.contentType());
        byte[] body = readBody(request.body(), request.declaredLength());
        ObjectNode alert = p.parser().parse(body);
        Authenticator.Failure failure = p.authenticator().check(alert, body, request.signature());
        if (failure != null) {
            p.metrics().signatureFailure();
            log.warn("webhook refused: authentication failed ({})", failure.name().toLowerCase(Locale.ROOT));
            throw new AlertRejectedException(RejectionReason.AUTHENTICATION_FAILED,
                    "a valid secret field or X-Webhook-Signature header is required");
        }
        Instant timestamp = p.replayWindow().check(alert.get("timestamp"));
        Alert valid = p.validator().validate(alert, timestamp);
        MDC.put("alert_id", valid.alertId());
        if (!p.exchanges().isConfigured(valid.exchange())) {
            throw new AlertRejectedException(RejectionReason.EXCHANGE_NOT_CONFIGURED, "exchange " + valid.exchange()
                    + " has no API credentials in this deployment");
        }
        if (valid.action() == AlertAction.BUY && valid.sentiment() == Sentiment.SHORT) {
            // A long/short strategy covering part of its short: spot never opened that short, so there is nothing to do.
            log.info("alert ignored: a buy while the strategy is short (covering a short spot cannot hold)");
            return ignored(RejectionReason.SHORT_NOT_SUPPORTED, valid, "the strategy is short after this buy; spot "
                    + "holds no short to cover, so no order is made");
        }
        Optional<WebhookResponse> notRecorded = Optional.empty();
        if (valid.action().isEntry()) {
            notRecorded = checkEntry(valid);
        } else if (valid.action() == AlertAction.EXIT) {
            notRecorded = nothingToExit(valid);
        }
        return notRecorded.isPresent() ? notRecorded.get() : record(valid);
    }

    /**
     * Confidence, risk and the kill switch hold back entries only: an exit or a cancel only reduces risk, and holding
     * it back would leave a position open that the strategy has closed.
     */
    private Optional<WebhookResponse> checkEntry(Alert valid) throws AlertRejectedException {
        if (valid.confidence().compareTo(p.minConfidence()) < 0) {
            log.info("alert ignored: confidence {} below {}", valid.confidence(), p.minConfidence());
            return Optional.of(answer(200, RejectionReason.CONFIDENCE_BELOW_THRESHOLD.code(), Map.of("status",
                    "ignored", "reason", RejectionReason.CONFIDENCE_BELOW_THRESHOLD.code(), "alert_id",
                    valid.alertId())));
        }
        Optional<RiskDenial> denial = p.risk().check(valid.symbol(), valid.terms().quantityType(), valid.quantity(),
                valid.price());
        if (denial.isPresent()) {
            throw new AlertRejectedException(RejectionReason.of(denial.get().reason()), denial.get().detail());
        }
        if (p.killSwitch().isHalted()) {
            throw new AlertRejectedException(RejectionReason.TRADING_HALTED, "trading is halted by an operator");
        }
        return Optional.empty();
    }

    /**
     * An exit of a position the service does not hold makes no order; an exit seen before is answered as a duplicate
     * first. The position is read before recording, so an exit that arrives while its entry is still on its way to
     * the exchange finds no position yet.
     */
    private Optional<WebhookResponse> nothingToExit(Alert valid) throws AlertRejectedException {
        Position position;
        try {
            // A repeated exit (TradingView retries) is the earlier order's, whatever the position is now.
            Optional<String> earlier = p.store().orderOfAlert(valid.alertId(),
                    p.clock().instant().minus(ExecutionEngine.DEDUP_WINDOW));
            if (earlier.isPresent()) {
                log.info("alert is a duplicate of an earlier one; no new order");
                return Optional.of(answer(200, "duplicate", Map.of("status", "duplicate", "order_id", earlier.get(),
                        "alert_id", valid.alertId())));
            }
            position = p.store().position(valid.exchange(), valid.symbol(), valid.strategy());
        } catch (StoreUnavailableException e) {
            log.error("webhook refused: the store is unavailable to read the position, nothing recorded: {}",
                    e.getMessage());
            throw new AlertRejectedException(RejectionReason.STORE_UNAVAILABLE,
                    "the order store is unavailable; nothing was recorded, retry");
        }
        if (!position.isFlat()) {
            return Optional.empty();
        }
        String held = "no position in " + valid.symbol() + " on " + valid.exchange()
                + (valid.strategy() == null ? " for alerts without a strategy" : " for this strategy");
        if (valid.sentiment() == Sentiment.SHORT) {
            log.info("alert ignored: the strategy went short and the service holds no long to close");
            return Optional.of(ignored(RejectionReason.SHORT_NOT_SUPPORTED, valid, "spot cannot go short, and there is "
                    + held + " to close"));
        }
        log.info("alert ignored: exit with no position");
        return Optional.of(ignored(RejectionReason.NO_POSITION, valid, "nothing to exit: " + held));
    }

    private static WebhookResponse ignored(RejectionReason reason, Alert alert, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ignored");
        body.put("reason", reason.code());
        body.put("alert_id", alert.alertId());
        body.put("detail", detail);
        return answer(reason.httpStatus(), reason.code(), body);
    }

    private WebhookResponse record(Alert alert) throws AlertRejectedException {
        if (!p.engine().tryReserve()) {
            log.warn("webhook refused: order queue is full");
            throw new AlertRejectedException(RejectionReason.QUEUE_FULL,
                    "too many orders waiting for their exchange; nothing was recorded, retry");
        }
        Instant receivedAt = p.clock().instant();
        String orderId = OrderIds.newOrderId(receivedAt.toEpochMilli());
        NewOrder order = new NewOrder(orderId, alert.alertId(), OrderIds.clientOrderId(orderId), alert.exchange(),
                alert.symbol(), alert.side(), alert.type(), alert.quantity(), alert.price(), alert.confidence(),
                alert.strategy(), alert.storedJson(), receivedAt, alert.terms());
        RecordResult result;
        // The reservation goes to the engine with the order (when the store hands it over) or back (when the
        // write failed or was a duplicate), exactly once.
        AtomicBoolean reservation = new AtomicBoolean();
        try {
            result = p.store().recordAndHandOver(order, p.engine().owner(), p.engine().leaseUntil(),
                    ExecutionEngine.DEDUP_WINDOW, p.engine().sendsAsRecorded(order), recorded -> {
                        if (reservation.compareAndSet(false, true)) {
                            p.engine().submit(recorded.orderId(), recorded.submitting());
                        }
                    });
        } catch (StoreUnavailableException e) {
            // Given back unless the order was handed over: a write that became durable just after the wait
            // ended is executed (a retry of the alert is then its duplicate).
            if (reservation.compareAndSet(false, true)) {
                p.engine().cancelReservation();
            }
            log.error("webhook refused: the store is unavailable, nothing recorded: {}", e.getMessage());
            throw new AlertRejectedException(RejectionReason.STORE_UNAVAILABLE,
                    "the order store is unavailable; nothing was recorded, retry");
        }
        MDC.put("order_id", result.orderId());
        if (result instanceof RecordResult.Duplicate && reservation.compareAndSet(false, true)) {
            p.engine().cancelReservation();
            log.info("alert is a duplicate of an earlier one; no new order");
            return answer(200, "duplicate", Map.of("status", "duplicate", "order_id", result.orderId(),
                    "alert_id", alert.alertId()));
        }
        log.info("alert accepted: {} {} {} {} on {}", alert.terms().kind().label(), alert.side(),
                alert.quantity().toPlainString(), alert.symbol(), alert.exchange());
        return answer(202, "accepted", Map.of("status", "accepted", "order_id", result.orderId(),
                "alert_id", alert.alertId()));
    }

    private static void checkMediaType(String contentType) throws AlertRejectedException {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.equals("text/plain")) {
            throw new AlertRejectedException(RejectionReason.UNSUPPORTED_MEDIA_TYPE,
                    "send the alert as application/json or text/plain");
        }
    }

    private byte[] readBody(InputStream in, long declared) throws AlertRejectedException {
        int limit = p.maxBodyBytes();
        try {
            if (declared >= 0) {
                // Content-Length known (and within the limit, checked before): read into a buffer of exactly that
                // size, instead of growing chunks up to the limit for every alert.
                byte[] body = new byte[(int) declared];
                if (in.readNBytes(body, 0, body.length) < body.length) {
                    throw new AlertRejectedException(RejectionReason.INCOMPLETE_BODY,
                            "the body ended before its Content-Length");
                }
                in.read(); // sees the end, so nothing is left to drain
                return body;
            }
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new AlertRejectedException(RejectionReason.INCOMPLETE_BODY, "the body could not be read in full");
        }
    }

    private AlertRejectedException tooLarge() {
        return new AlertRejectedException(RejectionReason.BODY_TOO_LARGE,
                "the body is larger than " + p.maxBodyBytes() + " bytes (MAX_BODY_BYTES)");
    }

    /**
     * TradingView never resends after a 4xx, so a rate-limited alert is gone for good: it is counted, and
     * logged with the id and symbol peeked from the body, so an operator can find what was lost.
     */
    private WebhookResponse rateLimited(WebhookRequest request, long retryAfter) {
        p.metrics().rateLimitRejection();
        String alertId = "unknown";
        String symbol = "unknown";
        try {
            byte[] body = request.body().readNBytes(p.maxBodyBytes());
            JsonNode peek = p.parser().mapper().readTree(body);
            if (peek != null && peek.isObject()) {
                alertId = printable(peek.path("id").asText("unknown"));
                symbol = printable(peek.path("symbol").asText("unknown"));
            }
        } catch (IOException | RuntimeException ignored) {
            // the body is only peeked at for the log line
        }
        log.warn("webhook refused: rate limited; this alert is lost (TradingView does not resend a 429): alert_id={} symbol={}",
                alertId, symbol);
        return refuse(RejectionReason.RATE_LIMITED, "more than the allowed requests per window; retry after "
                + retryAfter + " s", retryAfter);
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 100 ? cleaned.substring(0, 100) : cleaned;
    }

    private WebhookResponse refuse(RejectionReason reason, String detail, Long retryAfter) {
        if (reason.kind() == RejectionReason.Kind.VALIDATION) {
            p.metrics().validationFailure(reason.code());
            log.info("alert rejected: {} ({})", reason.code(), detail);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reason.kind() == RejectionReason.Kind.IGNORED ? "ignored"
                : reason.httpStatus() >= 500 ? "unavailable" : "rejected");
        body.put("reason", reason.code());
        body.put("detail", detail);
        return new WebhookResponse(reason.httpStatus(), body, reason.code(), retryAfter);
    }

    private static WebhookResponse answer(int status, String reason, Map<String, Object> body) {
        return new WebhookResponse(status, body, reason, null);
    }
}
