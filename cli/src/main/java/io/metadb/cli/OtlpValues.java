package io.metadb.cli;

import java.util.Map;

/**
 * Attribute values of OTLP records as the mapping takes them: numbers given as numbers or as
 * their text (senders differ), booleans as booleans or the words; anything else a
 * {@link BadValue} naming the key and what it held. Stateless.
 */
final class OtlpValues {
    private OtlpValues() {}

    /** A value the mapping cannot use: the record is refused alone. */
    static final class BadValue extends Exception {
        static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }




    static String text(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new BadValue(key + " is " + describe(v) + ", not text");
    }

    /** A whole number given as a number or as its digits (senders differ: Claude Code before 2.1.122 sent strings). */
    static Long count(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null || v instanceof Long) {
            return (Long) v;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                // perhaps "12.0": below
            }
        }
        Double d = numeric(v);
        if (d != null && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d.longValue();
        }
        throw new BadValue(key + " is " + describe(v) + ", not a whole number");
    }

    static Double number(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        Double d = numeric(v);
        if (d == null) {
            throw new BadValue(key + " is " + describe(v) + ", not a number");
        }
        return d;
    }

    /** A finite number given as a number or as its text, else null. */
    static Double numeric(Object v) {
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.strip());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    static Boolean bool(Map<String, Object> a, String key) throws BadValue {
        Object v = a.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw new BadValue(key + " is " + describe(v) + ", not true or false");
    }

    static String describe(Object v) {
        if (v == OtlpRecords.MALFORMED) {
            return "malformed";
        }
        String s = v instanceof String t ? com.fasterxml.jackson.databind.node.TextNode.valueOf(t).toString() : String.valueOf(v);
        return Output.printable(s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }
}
