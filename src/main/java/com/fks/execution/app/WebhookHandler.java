package com.fks.execution.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fks.execution.intake.WebhookPipeline;
import com.fks.execution.intake.WebhookRequest;
import com.fks.execution.intake.WebhookResponse;
import com.fks.execution.signing.WebhookSignature;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The webhook on Jetty's own request and response, in front of Javalin: {@code /webhook/tradingview} (and with a
 * trailing slash, as Javalin matched it) is answered here, every other path goes on to Javalin. Through Javalin's
 * servlet, each webhook also paid for a servlet request and response, Javalin's context and its lazy fields, and a
 * session lookup: about a sixth of what an HTTP thread allocated per webhook, and 15-28 % of the JVM's CPU per
 * accepted alert (docs/benchmarks.md, "The webhook in front of Javalin"). The pipeline is the same.
 */
final class WebhookHandler extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);
    private static final String JSON = "application/json";
    private static final String TRAILING_SLASH = HttpApi.WEBHOOK_PATH + "/";

    private final WebhookPipeline pipeline;
    private final ObjectMapper mapper;

    WebhookHandler(Handler javalin, WebhookPipeline pipeline, ObjectMapper mapper) {
        super(javalin);
        this.pipeline = pipeline;
        this.mapper = mapper;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (!HttpApi.WEBHOOK_PATH.equals(path) && !TRAILING_SLASH.equals(path)) {
            return super.handle(request, response, callback);
        }
        if (!HttpMethod.POST.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            respond(new WebhookResponse(405, HttpApi.error("rejected", "method_not_allowed", "method not allowed here"),
                    "method_not_allowed", null), response, callback);
            return true;
        }
        WebhookResponse answer;
        try {
            HttpFields headers = request.getHeaders();
            answer = pipeline.handle(new WebhookRequest(Request.getRemoteAddr(request),
                    headers.get("X-Forwarded-For"), headers.get(HttpHeader.CONTENT_TYPE),
                    headers.get(WebhookSignature.HEADER), request.getLength(), Request.asInputStream(request)));
        } catch (RuntimeException e) {
            log.error("unexpected failure on POST {}", HttpApi.WEBHOOK_PATH, e);
            answer = new WebhookResponse(503, HttpApi.error("unavailable", "internal_error",
                    "the request failed inside the service; retry"), "internal_error", null);
        }
        respond(answer, response, callback);
        return true;
    }

    private void respond(WebhookResponse answer, Response response, Callback callback) throws IOException {
        Body body = new Body(answer.body());
        try (JsonGenerator out = mapper.createGenerator(body)) {
            out.writeStartObject();
            for (Map.Entry<String, Object> field : answer.body().entrySet()) {
                out.writeFieldName(field.getKey());
                if (field.getValue() instanceof String text) {
                    out.writeString(text);
                } else {
                    out.writeObject(field.getValue());
                }
            }
            out.writeEndObject();
        }
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, JSON);
        if (answer.retryAfterSeconds() != null) {
            headers.put(HttpHeader.RETRY_AFTER, answer.retryAfterSeconds());
        }
        if (answer.status() == 413) {
            // The rest of the body was never read, so this connection cannot carry another request; saying
            // so keeps a client from sending its next request on a connection about to close.
            headers.put(HttpHeader.CONNECTION, "close");
        }
        ByteBuffer bytes = body.buffer();
        headers.put(HttpHeader.CONTENT_LENGTH, bytes.remaining());
        response.write(true, bytes, callback);
    }

    /** The answer's bytes, handed to Jetty as they are: no copy of them to an array of their own size. */
    private static final class Body extends ByteArrayOutputStream {
        /** Sized for the fields as they are (quotes, colons, commas, braces): an answer that needs escapes grows. */
        Body(Map<String, Object> fields) {
            super(size(fields));
        }

        private static int size(Map<String, Object> fields) {
            int n = 2;
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                n += field.getKey().length() + String.valueOf(field.getValue()).length() + 6;
            }
            return n;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
