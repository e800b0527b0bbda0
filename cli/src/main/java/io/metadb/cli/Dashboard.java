package io.metadb.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The dashboard {@code metadb serve} shows at its root: a static page (HTML, CSS, JS in this
 * jar's {@code io/metadb/cli/dashboard/}) and uPlot from its WebJar, all read from the class
 * path, so it works offline and needs no build step; the page reads every figure from the
 * server's JSON API. Stateless and thread-safe.
 */
final class Dashboard {
    /** The uPlot WebJar's version (its resources are under a versioned path; the pom pins the same). */
    static final String UPLOT_VERSION = "1.6.30";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
    private static final String OWN = "io/metadb/cli/dashboard/";

    /** The files the page is made of: name in {@code /-/assets/}, resource, content type. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "index.html", new String[] {OWN + "index.html", "text/html"},
            "app.js", new String[] {OWN + "app.js", "text/javascript"},
            "app.css", new String[] {OWN + "app.css", "text/css"},
            "uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css"});

    /** A file of the page. */
    record Asset(byte[] bytes, String contentType) {}

    private Dashboard() {}

    /** The assets read so far (they never change while the jar is the same). */
    private static final java.util.concurrent.ConcurrentHashMap<String, Asset> READ = new java.util.concurrent.ConcurrentHashMap<>();

    /** The asset of that name, or null if there is none. */
    static Asset asset(String name) {
        String[] where = ASSETS.get(name);
        if (where == null) {
            return null;
        }
        return READ.computeIfAbsent(name, n -> read(where));
    }

    private static Asset read(String[] where) {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(where[0])) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + where[0] + " is missing from the class path");
            }
            return new Asset(in.readAllBytes(), where[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the page's files, for its weight. */
    static java.util.Set<String> assetNames() {
        return ASSETS.keySet();
    }

    /** What the page builds its report forms from: every report, its description and parameters. */
    static String reportsJson(Path db) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("db", db.getFileName().toString());
            g.writeArrayFieldStart("reports");
            for (Report<?, ?> r : Reports.all()) {
                g.writeStartObject();
                g.writeStringField("name", r.name());
                g.writeStringField("description", r.description().lines().findFirst().orElse(""));
                g.writeArrayFieldStart("params");
                for (Param<?> p : r.params()) {
                    g.writeStartObject();
                    g.writeStringField("name", p.name());
                    g.writeStringField("label", p.label());
                    g.writeBooleanField("positional", p.positional());
                    g.writeBooleanField("required", p.required());
                    g.writeStringField("default", p.defaultValue());
                    g.writeStringField("description", p.description());
                    g.writeArrayFieldStart("choices");
                    for (String c : p.choices()) {
                        g.writeString(c);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }
}
