package dev.forgeperf.timing;

import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Binds {@link MethodId} parameters of the advice to the timed method's id as an int constant,
 * looked up (once, at transform time) from the {@link TimedMethods} registry.
 */
final class MethodIdBinding implements Advice.OffsetMapping.Factory<MethodId> {
    private final InstalledSpec install;

    MethodIdBinding(InstalledSpec install) {
        this.install = install;
    }

    @Override
    public Class<MethodId> getAnnotationType() {
        return MethodId.class;
    }

    @Override
    public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target, AnnotationDescription.Loadable<MethodId> annotation,
            AdviceType adviceType) {
        if (!target.getType().represents(int.class)) {
            throw new IllegalStateException("@MethodId must annotate an int parameter: " + target);
        }
        return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) ->
                new Advice.OffsetMapping.Target.ForStackManipulation(
                        IntegerConstant.forValue(install.idFor(instrumentedType, instrumentedMethod)));
    }
}
