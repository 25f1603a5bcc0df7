package dev.forgeperf.timing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Which methods to time, as the user writes it:
 * <ul>
 * <li>{@code class-glob#method-glob}, e.g. {@code com.acme.*Service#handle*}; {@code *} matches
 * within a name segment run ({@code [^.]*}), {@code **} across packages, {@code ?} one character;
 * a class glob without a dot matches the simple name in any package;</li>
 * <li>with parameter types: {@code com.acme.Repo#find(java.lang.String,int)} (simple names such as
 * {@code String} also match);</li>
 * <li>a type and every subtype: {@code com.acme.Handler+#handle} (the AspectJ convention) matches the
 * methods named so declared in the classes that extend or implement a type whose name the class
 * glob matches (directly or further down), and in that type itself: every implementation of an
 * interface or abstract method, in classes loaded now or later;</li>
 * <li>an annotation: {@code @com.acme.Timed}: methods carrying it, or all methods of a class
 * carrying it. Any annotation whose simple name is {@code Timed} counts for a spec naming
 * {@code Timed} (so {@code @Timed} and {@code @dev.forgeperf.Timed} find every {@code @Timed}).</li>
 * </ul>
 * Constructors, abstract and native methods are never timed. Immutable.
 */
public final class MethodSpec {
    private final String text;
    private final String annotation; // null for a glob spec
    private final Pattern classPattern;
    private final Pattern methodPattern;
    private final List<String> parameters; // null: any parameters
    private final boolean subtypes;

    private MethodSpec(String text, String annotation, Pattern classPattern, Pattern methodPattern, List<String> parameters) {
        this(text, annotation, classPattern, methodPattern, parameters, false);
    }

    private MethodSpec(String text, String annotation, Pattern classPattern, Pattern methodPattern, List<String> parameters, boolean subtypes) {
        this.subtypes = subtypes;
        this.text = text;
        this.annotation = annotation;
        this.classPattern = classPattern;
        this.methodPattern = methodPattern;
        this.parameters = parameters;
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the bad character and its position
     */
    public static MethodSpec parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty method spec; write Class#method, e.g. com.acme.*Service#handle*");
        }
        if (s.startsWith("@")) {
            String name = s.substring(1);
            checkChars(s, 1, name, ".$", false);
            if (name.isEmpty() || name.startsWith(".") || name.endsWith(".")) {
                throw new IllegalArgumentException("malformed annotation spec '" + s + "'; write @com.acme.Timed");
            }
            return new MethodSpec(s, name, null, null, null);
        }
        int hash = s.indexOf('#');
        if (hash < 0) {
            throw new IllegalArgumentException("malformed method spec '" + s + "': missing '#' between class and method, e.g. "
                    + s + "#*");
        }
        String cls = s.substring(0, hash);
        String rest = s.substring(hash + 1);
        boolean subtypes = cls.endsWith("+");
        if (subtypes) {
            cls = cls.substring(0, cls.length() - 1);
        }
        checkChars(s, 0, cls, ".$*?", true);
        if (cls.isEmpty()) {
            throw new IllegalArgumentException("malformed method spec '" + s + "': no class before '#'");
        }
        String method = rest;
        List<String> params = null;
        int open = rest.indexOf('(');
        if (open >= 0) {
            if (!rest.endsWith(")")) {
                throw new IllegalArgumentException("malformed method spec '" + s + "': missing ')' at the end of the parameter list");
            }
            method = rest.substring(0, open);
            String inner = rest.substring(open + 1, rest.length() - 1).trim();
            params = new ArrayList<>();
            if (!inner.isEmpty()) {
                int offset = hash + 1 + open + 1;
                for (String p : inner.split(",", -1)) {
                    String t = p.trim();
                    checkChars(s, offset, p, ".$[]", false);
                    if (t.isEmpty()) {
                        throw new IllegalArgumentException("malformed method spec '" + s + "': empty parameter type");
                    }
                    params.add(t);
                    offset += p.length() + 1;
                }
            }
        }
        checkChars(s, hash + 1, method, "*?", true);
        if (method.isEmpty()) {
            throw new IllegalArgumentException("malformed method spec '" + s + "': no method after '#' (use * for all methods)");
        }
        String classRegex = glob(cls, true);
        if (!cls.contains(".")) {
            classRegex = "(?:.*[.$])?" + classRegex; // simple name in any package
        }
        return new MethodSpec(s, null, Pattern.compile(classRegex), Pattern.compile(glob(method, false)), params, subtypes);
    }

    private static void checkChars(String spec, int offset, String part, String extra, boolean globs) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!Character.isJavaIdentifierPart(c) && extra.indexOf(c) < 0 && !(c == ' ' && !globs)) {
                throw new IllegalArgumentException("malformed method spec '" + spec + "': unexpected character '" + c
                        + "' at position " + (offset + i + 1));
            }
        }
    }

    private static String glob(String glob, boolean dotted) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    b.append(".*");
                    i++;
                } else {
                    b.append(dotted ? "[^.]*" : ".*");
                }
            } else if (c == '?') {
                b.append(dotted ? "[^.]" : ".");
            } else {
                b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return b.toString();
    }

    public String text() {
        return text;
    }

    public boolean isAnnotation() {
        return annotation != null;
    }

    /** Package prefixes of JDK classes, timed only on explicit request. */
    public static final List<String> JDK_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");

    /**
     * Whether this spec names JDK classes ({@code java.*}, {@code jdk.*}, …) explicitly. A
     * {@code Type+} spec does not: naming {@code java.lang.Runnable+} times the application's
     * implementations, the JDK's only with {@code --allow-jdk}.
     */
    public boolean targetsJdk() {
        return annotation == null && !subtypes && JDK_PACKAGES.stream().anyMatch(text::startsWith);
    }

    /** Whether this is a {@code Type+} spec: the named types and every subtype. */
    public boolean subtypes() {
        return subtypes;
    }

    /**
     * Types that may hold matching methods (a cheap first filter); for a {@code Type+} spec, the
     * classes that declare a method to time and have a named type among their supertypes.
     */
    public ElementMatcher<TypeDescription> typeMatcher() {
        if (annotation != null) {
            ElementMatcher<AnnotationDescription> a = annotationMatcher();
            return t -> hasAnnotation(t, a) || t.getDeclaredMethods().stream().anyMatch(m -> hasAnnotation(m, a));
        }
        if (subtypes) {
            ElementMatcher<MethodDescription> methods = methodMatcher();
            return t -> !t.isInterface() && t.getDeclaredMethods().stream().anyMatch(methods::matches) && isSubtypeOfNamed(t);
        }
        return t -> classPattern.matcher(t.getName()).matches();
    }

    /**
     * Whether {@code t} or a supertype of it (superclasses and interfaces, transitively) has a
     * name the class glob matches. A type whose supertypes cannot be resolved does not match.
     */
    private boolean isSubtypeOfNamed(TypeDescription t) {
        try {
            return isSubtypeOfNamed(t, new java.util.HashSet<>());
        } catch (RuntimeException | LinkageError unresolvable) {
            return false;
        }
    }

    private boolean isSubtypeOfNamed(TypeDefinition t, java.util.Set<String> seen) {
        if (t == null || !seen.add(t.getTypeName())) {
            return false;
        }
        TypeDescription erasure = t.asErasure();
        if (classPattern.matcher(erasure.getName()).matches()) {
            return true;
        }
        if (erasure.getName().equals("java.lang.Object")) {
            return false;
        }
        for (TypeDescription.Generic i : erasure.getInterfaces()) {
            if (isSubtypeOfNamed(i, seen)) {
                return true;
            }
        }
        TypeDescription.Generic sup = erasure.getSuperClass();
        return sup != null && isSubtypeOfNamed(sup, seen);
    }

    /**
     * The abstract and interface methods (no code to time) of type {@code t} that this glob spec
     * names, by display name: what to point at when a spec without {@code +} matches nothing.
     */
    public List<String> abstractMethodsNamed(TypeDescription t) {
        List<String> out = new ArrayList<>();
        if (annotation != null || subtypes || !classPattern.matcher(t.getName()).matches()) {
            return out;
        }
        for (MethodDescription m : t.getDeclaredMethods()) {
            if (m.isMethod() && m.isAbstract() && methodPattern.matcher(m.getName()).matches() && parametersMatch(m)) {
                out.add(displayName(t, m));
            }
        }
        return out;
    }

    /** This spec with {@code +} after the class glob: what to suggest for a spec that names an interface. */
    public String withSubtypes() {
        int hash = text.indexOf('#');
        return hash < 0 || subtypes ? text : text.substring(0, hash) + "+" + text.substring(hash);
    }

    /** Methods to time within a matched type. */
    public ElementMatcher<MethodDescription> methodMatcher() {
        ElementMatcher.Junction<MethodDescription> base = ElementMatchers.isMethod()
                .and(ElementMatchers.not(ElementMatchers.isAbstract()))
                .and(ElementMatchers.not(ElementMatchers.isNative()))
                .and(ElementMatchers.not(ElementMatchers.isBridge()))
                .and(ElementMatchers.not(ElementMatchers.isSynthetic()));
        if (annotation != null) {
            ElementMatcher<AnnotationDescription> a = annotationMatcher();
            return base.and(m -> hasAnnotation(m, a) || hasAnnotation(m.getDeclaringType().asErasure(), a));
        }
        return base.and(m -> methodPattern.matcher(m.getName()).matches() && parametersMatch(m));
    }

    private boolean parametersMatch(MethodDescription m) {
        if (parameters == null) {
            return true;
        }
        List<? extends ParameterDescription> ps = m.getParameters();
        if (ps.size() != parameters.size()) {
            return false;
        }
        for (int i = 0; i < ps.size(); i++) {
            TypeDescription t = ps.get(i).getType().asErasure();
            String want = parameters.get(i);
            if (!want.equals(t.getName()) && !want.equals(t.getActualName()) && !want.equals(t.getSimpleName())) {
                return false;
            }
        }
        return true;
    }

    private ElementMatcher<AnnotationDescription> annotationMatcher() {
        String simple = annotation.substring(annotation.lastIndexOf('.') + 1);
        boolean anyTimed = simple.equals("Timed");
        boolean qualified = annotation.contains(".");
        return a -> {
            TypeDescription type = a.getAnnotationType();
            return anyTimed ? type.getSimpleName().equals("Timed")
                    : qualified ? type.getName().equals(annotation) : type.getSimpleName().equals(annotation);
        };
    }

    private static boolean hasAnnotation(net.bytebuddy.description.annotation.AnnotationSource source,
            ElementMatcher<AnnotationDescription> matcher) {
        for (AnnotationDescription a : source.getDeclaredAnnotations()) {
            if (matcher.matches(a)) {
                return true;
            }
        }
        return false;
    }

    /** Display name of a method: {@code com.acme.Repo#find(String,int)}. */
    public static String displayName(TypeDefinition type, MethodDescription m) {
        return displayName(type.getTypeName(), m, false);
    }

    /**
     * Display name of a method of class {@code className}: parameter types by simple name
     * ({@code com.acme.Repo#find(String,int)}) or, with {@code qualified}, by full name
     * ({@code com.acme.Repo#find(java.lang.String,int)}).
     */
    public static String displayName(String className, MethodDescription m, boolean qualified) {
        StringBuilder b = new StringBuilder(className).append('#').append(m.getName()).append('(');
        List<? extends ParameterDescription> ps = m.getParameters();
        for (int i = 0; i < ps.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            TypeDescription t = ps.get(i).getType().asErasure();
            b.append(qualified ? t.getTypeName() : t.getSimpleName());
        }
        return b.append(')').toString();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MethodSpec && ((MethodSpec) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
