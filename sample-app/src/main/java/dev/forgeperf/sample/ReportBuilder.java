package dev.forgeperf.sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HOT SPOT 2 (allocation): {@link #buildReport(Order, String, double)} allocates many
 * short-lived {@code byte[]}, {@code String}, {@code StringBuilder} and {@code ArrayList}
 * objects per call (on the order of 100 KB), which shows up at the top of allocation profiles.
 */
public final class ReportBuilder {

    /** Number of report lines generated per report. */
    static final int LINES = 40;
    /** Size of the scratch buffer allocated per line. */
    static final int LINE_BUFFER_BYTES = 1_024;

    /** Keeps the latest report reachable so the JIT cannot elide the allocations. */
    private volatile String lastReport = "";

    /** Builds a human-readable order report and returns it. */
    public String buildReport(Order order, String customer, double price) {
        List<String> lines = new ArrayList<>();
        lines.add("ORDER REPORT #" + order.id());
        lines.add("customer: " + customer + " (" + order.customerId() + ")");
        long checksum = 0;
        for (int i = 0; i < LINES; i++) {
            byte[] buffer = new byte[LINE_BUFFER_BYTES + (int) (order.id() & 0x3F)];
            for (int j = 0; j < buffer.length; j += 64) {
                buffer[j] = (byte) (i + j + order.id());
            }
            String encoded = new String(buffer, 0, 64, StandardCharsets.ISO_8859_1);
            checksum += encoded.hashCode();
            List<String> cells = new ArrayList<>(4);
            cells.add(order.sku());
            cells.add(Integer.toString(order.quantity() + i));
            cells.add(formatMoney(price / (i + 1)));
            cells.add(Long.toHexString(checksum));
            lines.add(String.join(" | ", cells));
        }
        lines.add("total: " + formatMoney(price));
        String report = String.join("\n", lines);
        lastReport = report;
        return report;
    }

    /** Formats an amount with two decimals (cheap, locale-independent, allocates a String). */
    static String formatMoney(double amount) {
        long cents = Math.round(amount * 100.0);
        long abs = Math.abs(cents);
        long fraction = abs % 100;
        return (cents < 0 ? "-" : "") + abs / 100 + (fraction < 10 ? ".0" : ".") + fraction;
    }

    /** The most recently built report. */
    public String lastReport() {
        return lastReport;
    }
}
