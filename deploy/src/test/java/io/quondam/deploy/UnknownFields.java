package io.quondam.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds what a typed model did not understand. The fabric8 and Strimzi models never fail on an unknown field: they
 * keep it in {@code additionalProperties} (so that a newer server's fields survive a round trip). A misspelt
 * {@code readinesProbe} would therefore parse and be silently ignored by our tests, and by nobody else until the API
 * server rejects it. This walks the parsed object graph and reports every such field with its path, and every
 * property the Strimzi model marks {@code @Deprecated} (those are the ones the v1 API no longer has).
 */
final class UnknownFields {
    private final List<String> problems = new ArrayList<>();
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private UnknownFields() {
    }

    static List<String> in(Object model) {
        var walker = new UnknownFields();
        walker.walk(model, "");
        return walker.problems;
    }

    private void walk(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Character || !seen.add(value)) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "/" + key));
            return;
        }
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                walk(item, path + "/" + index++);
            }
            return;
        }
        String type = value.getClass().getName();
        if (!type.startsWith("io.fabric8.") && !type.startsWith("io.strimzi.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (!isPropertyGetter(getter)) {
                continue;
            }
            Object property = invoke(getter, value, path);
            String name = propertyName(getter);
            if (name.equals("additionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> problems.add(path + "/" + key + ": unknown field"));
                }
                continue;
            }
            if (property != null && type.startsWith("io.strimzi.") && getter.isAnnotationPresent(Deprecated.class)) {
                problems.add(path + "/" + name + ": deprecated, not part of the kafka.strimzi.io/v1 API");
            }
            walk(property, path + "/" + name);
        }
    }

    private static boolean isPropertyGetter(Method method) {
        String name = method.getName();
        return method.getParameterCount() == 0 && !Modifier.isStatic(method.getModifiers())
                && !method.getReturnType().isPrimitive() && !name.equals("getClass")
                && (name.startsWith("get") && name.length() > 3 || name.startsWith("is") && name.length() > 2)
                // CustomResource also answers derived values (plural, CRD name, ...) that are not document fields.
                && (!method.getDeclaringClass().getName().equals("io.fabric8.kubernetes.client.CustomResource")
                    || name.equals("getMetadata") || name.equals("getSpec"));
    }

    private static String propertyName(Method getter) {
        String name = getter.getName().substring(getter.getName().startsWith("get") ? 3 : 2);
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }

    private Object invoke(Method getter, Object target, String path) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + path + "/" + propertyName(getter), e);
        }
    }
}
