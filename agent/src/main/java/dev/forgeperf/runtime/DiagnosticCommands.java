package dev.forgeperf.runtime;

import java.lang.management.ManagementFactory;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanException;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * HotSpot's {@code com.sun.management:type=DiagnosticCommand} MBean: the jcmd commands, in
 * process. The platform MBean server is only touched when a command needs it, never at agent
 * startup (some application servers require their own log manager before JMX starts).
 */
public final class DiagnosticCommands {
    private static final String NAME = "com.sun.management:type=DiagnosticCommand";

    private DiagnosticCommands() {
    }

    /** Thrown when this JVM has no DiagnosticCommand MBean (not HotSpot) or lacks the command. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs one diagnostic command, e.g. {@code gcClassHistogram} for {@code GC.class_histogram}.
     *
     * @return its text output
     * @throws Unavailable when the MBean or the operation does not exist here
     * @throws IllegalStateException when the command itself failed (its message says why)
     */
    public static String invoke(String operation, String... args) throws Unavailable {
        ObjectName name;
        try {
            name = new ObjectName(NAME);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        try {
            Object r = ManagementFactory.getPlatformMBeanServer().invoke(name, operation, new Object[] {args},
                    new String[] {String[].class.getName()});
            return r == null ? "" : r.toString();
        } catch (InstanceNotFoundException | ReflectionException e) {
            throw new Unavailable("this JVM has no " + NAME + " MBean operation " + operation + " (" + e.getMessage() + ")", e);
        } catch (MBeanException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(operation + " failed: " + (cause.getMessage() == null ? cause : cause.getMessage()), cause);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).contains("Operation")) {
                throw new Unavailable("this JVM's DiagnosticCommand MBean has no operation " + operation, e);
            }
            throw new IllegalStateException(operation + " failed: " + e, e);
        }
    }
}
