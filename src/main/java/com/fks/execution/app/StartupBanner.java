package com.fks.execution.app;

import com.fks.execution.config.Settings;

import java.io.PrintStream;

/**
 * What a person starting the service needs: where it listens and a ready-to-paste curl that sends a signed
 * test alert. The secret is shown only on the start that generated it; the curl reads it from its file.
 */
final class StartupBanner {
    private StartupBanner() {
    }

    static void print(PrintStream out, Settings settings, Application app) {
        var secret = app.webhookSecret();
        String base = "http://localhost:" + app.httpPort();
        out.println();
        out.println("fks-execution is ready");
        out.println("  webhook : POST " + base + HttpApi.WEBHOOK_PATH);
        out.println("  orders  : GET  " + base + "/orders");
        out.println("  health  : GET  " + base + "/health , " + base + "/ready");
        out.println("  metrics : GET  http://localhost:" + app.metricsPort() + "/metrics");
        String secretExpression;
        if (secret.file() != null) {
            if (secret.generated()) {
                out.println("  webhook secret (generated now, shown once, kept in " + secret.file() + "):");
                out.println("    " + secret.secret().value());
            }
            secretExpression = "$(cat '" + secret.file().toAbsolutePath() + "')";
        } else {
            secretExpression = "$WEBHOOK_SECRET";
        }
        out.println();
        out.println("Send a signed test alert:");
        out.println("  body=\"{\\\"id\\\":\\\"test-$(date +%s%N)\\\",\\\"symbol\\\":\\\"BINANCE:BTCUSDT\\\",\\\"action\\\":\\\"buy\\\","
                + "\\\"quantity\\\":0.001,\\\"price\\\":65000,\\\"timestamp\\\":$(date +%s%3N)}\"");
        out.println("  curl -sS -X POST " + base + HttpApi.WEBHOOK_PATH + " -H 'Content-Type: application/json' \\");
        out.println("    -H \"X-Webhook-Signature: sha256=$(printf '%s' \"$body\" | openssl dgst -sha256 -hmac \""
                + secretExpression + "\" | sed 's/^.* //')\" \\");
        out.println("    --data-binary \"$body\"");
        out.println();
    }
}
