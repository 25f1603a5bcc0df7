package dev.forgeperf.command;

import dev.forgeperf.util.Durations;
import picocli.CommandLine;

/** Parses a duration option ({@code 500ms}, {@code 2s}, {@code 1m}; a bare number is ms) into milliseconds. */
public final class MillisConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Durations.parseNanos(value) / 1_000_000L;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
