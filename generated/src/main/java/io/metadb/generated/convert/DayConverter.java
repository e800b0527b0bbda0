package io.metadb.generated.convert;

import java.time.LocalDate;
import org.jooq.impl.AbstractConverter;

/** Maps metadb's TEXT UTC days ({@code 2026-04-20}) to {@link LocalDate}. Thread-safe. */
public final class DayConverter extends AbstractConverter<String, LocalDate> {
    private static final long serialVersionUID = 1L;

    public DayConverter() {
        super(String.class, LocalDate.class);
    }

    @Override
    public LocalDate from(String text) {
        return text == null ? null : LocalDate.parse(text);
    }

    @Override
    public String to(LocalDate day) {
        return day == null ? null : day.toString();
    }
}
