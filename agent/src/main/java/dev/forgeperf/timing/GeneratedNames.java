package dev.forgeperf.timing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of classes generated at run time, folded so that all classes one generator makes for
 * the same purpose share one row instead of one row per class. The part that varies (a counter
 * or a random or hashed suffix) becomes {@code *}:
 * <ul>
 * <li>JDK proxies: {@code jdk.proxy3.$Proxy27}, {@code com.sun.proxy.$Proxy5} &rarr;
 * {@code jdk.proxy*.$Proxy*}, {@code com.sun.proxy.$Proxy*};</li>
 * <li>CGLIB, Spring, Javassist, Hibernate and other {@code $$} markers: every {@code $}-separated part
 * after the first {@code $$} that holds a digit, e.g. {@code com.acme.Repo$$EnhancerBySpringCGLIB$$1a2b3c4d}
 * &rarr; {@code com.acme.Repo$$EnhancerBySpringCGLIB$$*}, {@code Repo$$SpringCGLIB$$0} &rarr;
 * {@code Repo$$SpringCGLIB$$*}, {@code Repo_$$_jvst8a1_0} &rarr; {@code Repo_$$*};</li>
 * <li>Byte Buddy, Mockito and Hibernate suffixes: the part after {@code $ByteBuddy$},
 * {@code $MockitoMock$} or {@code $HibernateProxy$}, digits or not, e.g.
 * {@code com.acme.Repo$ByteBuddy$QmZr1x} &rarr; {@code com.acme.Repo$ByteBuddy$*};</li>
 * <li>scripts in the default package compiled on the fly by Groovy's shell: {@code Script12} &rarr; {@code Script*}.</li>
 * </ul>
 * Anonymous classes ({@code Outer$1}) are written by the compiler, not generated, and stay apart.
 */
final class GeneratedNames {
    private static final Pattern MARKED = Pattern.compile("\\$(ByteBuddy|MockitoMock|HibernateProxy)\\$[A-Za-z0-9_]+");
    private static final Pattern SCRIPT = Pattern.compile("^Script\\d+$");

    private GeneratedNames() {
    }

    /** The folded name of a generated class, or null if {@code className} does not look generated. */
    static String fold(String className) {
        String s = className;
        if (s.contains("$Proxy")) {
            s = s.replaceAll("^jdk\\.proxy\\d+\\.", "jdk.proxy*.").replaceAll("\\$Proxy\\d+$", "\\$Proxy*");
        }
        int dd = s.indexOf("$$");
        if (dd >= 0) {
            String head = s.substring(0, dd + 2);
            String[] parts = s.substring(dd + 2).split("\\$", -1);
            StringBuilder b = new StringBuilder(head);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    b.append('$');
                }
                b.append(parts[i].chars().anyMatch(Character::isDigit) ? "*" : parts[i]);
            }
            s = b.toString();
        }
        Matcher m = MARKED.matcher(s);
        if (m.find()) {
            s = m.replaceAll("\\$$1\\$*");
        }
        if (SCRIPT.matcher(s).matches()) {
            s = "Script*";
        }
        return s.equals(className) ? null : s;
    }
}
