package io.metadb.builders;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * Writes, for every record of package {@code io.metadb.payload} that implements
 * {@code Payload}, a builder {@code <Record>Builder} with one setter per key, named as the
 * component, and a {@code build()} that names every required key not set (those without
 * {@code @OptionalKey}) before it calls the canonical constructor. The record's
 * {@code builder()} returns one. Generated as the records compile, so a builder cannot fall
 * behind its record. Stateless between rounds.
 */
public final class PayloadBuilderProcessor extends AbstractProcessor {
    private static final String PACKAGE = "io.metadb.payload";
    private static final String PAYLOAD = PACKAGE + ".Payload";
    private static final String OPTIONAL = PACKAGE + ".OptionalKey";
    private static final String KEY = PACKAGE + ".Key";

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        for (Element e : round.getRootElements()) {
            if (e.getKind() == ElementKind.RECORD && e instanceof TypeElement record && isPayload(record)) {
                try {
                    write(record);
                } catch (IOException ex) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                            "cannot write the builder of " + record + ": " + ex.getMessage(), record);
                }
            }
        }
        return false; // claims nothing: other processors see every annotation
    }

    private boolean isPayload(TypeElement record) {
        String pkg = processingEnv.getElementUtils().getPackageOf(record).getQualifiedName().toString();
        return pkg.equals(PACKAGE) && record.getInterfaces().stream().anyMatch(i -> i.toString().equals(PAYLOAD));
    }

    /** A component: its name, Java type, payload key, and whether it may be left out. */
    private record Part(String name, String type, String key, boolean optional, boolean primitive) {}

    private void write(TypeElement record) throws IOException {
        String simple = record.getSimpleName().toString();
        String builder = simple + "Builder";
        List<Part> parts = new ArrayList<>();
        for (RecordComponentElement c : record.getRecordComponents()) {
            String name = c.getSimpleName().toString();
            TypeMirror type = c.asType();
            String key = annotation(c, KEY);
            parts.add(new Part(name, type.toString(), key != null ? key : snake(name), annotation(c, OPTIONAL) != null,
                    type.getKind().isPrimitive() && type.getKind() != TypeKind.VOID));
        }
        StringBuilder out = new StringBuilder();
        out.append("package ").append(PACKAGE).append(";\n\n");
        out.append("/**\n * Builds a {@link ").append(simple).append("} by key name: one setter per key, then {@link #build()}.\n")
                .append(" * Generated from the record by metadb's payload-builders processor; not thread-safe.\n */\n");
        out.append("@javax.annotation.processing.Generated(\"").append(PayloadBuilderProcessor.class.getName()).append("\")\n");
        out.append("public final class ").append(builder).append(" {\n");
        for (Part p : parts) {
            out.append("    private ").append(p.type()).append(' ').append(p.name()).append(";\n");
            if (p.primitive()) {
                out.append("    private boolean ").append(p.name()).append("Set;\n");
            }
        }
        out.append("\n    ").append(builder).append("() {}\n");
        for (Part p : parts) {
            out.append("\n    /** Key {@code ").append(p.key()).append("}").append(p.optional() ? " (optional)" : " (required)")
                    .append(". */\n");
            out.append("    public ").append(builder).append(' ').append(p.name()).append('(').append(p.type()).append(' ')
                    .append(p.name()).append(") {\n");
            out.append("        this.").append(p.name()).append(" = ").append(p.name()).append(";\n");
            if (p.primitive()) {
                out.append("        this.").append(p.name()).append("Set = true;\n");
            }
            out.append("        return this;\n    }\n");
        }
        out.append("\n    /**\n     * The payload.\n     *\n     * @throws IllegalStateException naming every required key not set\n     */\n");
        out.append("    public ").append(simple).append(" build() {\n");
        out.append("        java.util.List<String> missing = new java.util.ArrayList<>();\n");
        for (Part p : parts) {
            if (!p.optional()) {
                out.append("        if (").append(p.primitive() ? "!" + p.name() + "Set" : p.name() + " == null")
                        .append(") {\n            missing.add(\"").append(p.key()).append("\");\n        }\n");
            }
        }
        out.append("        if (!missing.isEmpty()) {\n            throw new IllegalStateException(\"").append(simple)
                .append(": missing required keys \" + String.join(\", \", missing));\n        }\n");
        out.append("        return new ").append(simple).append('(');
        for (int i = 0; i < parts.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(parts.get(i).name());
        }
        out.append(");\n    }\n}\n");
        try (Writer w = processingEnv.getFiler().createSourceFile(PACKAGE + "." + builder, record).openWriter()) {
            w.write(out.toString());
        }
    }

    /** The value of {@code annotation} on {@code e} ("" for a marker), or null if it has none. */
    private static String annotation(Element e, String annotation) {
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            if (m.getAnnotationType().toString().equals(annotation)) {
                for (var entry : m.getElementValues().entrySet()) {
                    ExecutableElement name = entry.getKey();
                    AnnotationValue value = entry.getValue();
                    if (name.getSimpleName().contentEquals("value")) {
                        return String.valueOf(value.getValue());
                    }
                }
                return "";
            }
        }
        return null;
    }

    /** camelCase as snake_case, as the payload keys are. */
    static String snake(String name) {
        StringBuilder out = new StringBuilder();
        for (char ch : name.toCharArray()) {
            if (Character.isUpperCase(ch)) {
                out.append('_').append(Character.toLowerCase(ch));
            } else {
                out.append(ch);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
