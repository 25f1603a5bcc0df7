package dev.forgeperf;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks methods to be timed by the forge-perf agent when it is started with an annotation
 * spec. On a type, every method declared by that type is timed.
 *
 * <p>The annotation has no effect by itself: without the agent (or with the agent started with
 * a different spec) annotated methods run unchanged.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timed {

    /**
     * Not read by the agent (kept so that code using it compiles): rows are always named by the
     * method's signature ({@code com.acme.Repo#find(String)}), which tells overloads apart.
     */
    String value() default "";
}
