package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The table view's number grouping, money and durations, and the plain decimals of every format, done by hand. */
class OutputTest {
    @Test
    void groupsTheIntegerPartInThrees() {
        assertThat(Output.grouped("0")).isEqualTo("0");
        assertThat(Output.grouped("999")).isEqualTo("999");
        assertThat(Output.grouped("1000")).isEqualTo("1,000");
        assertThat(Output.grouped("-1000")).isEqualTo("-1,000");
        assertThat(Output.grouped("-999")).isEqualTo("-999");
        assertThat(Output.grouped("1234567.250000")).isEqualTo("1,234,567.250000");
        assertThat(Output.grouped("-9223372036854775808")).isEqualTo("-9,223,372,036,854,775,808");
        assertThat(Output.grouped("123456.5")).isEqualTo("123,456.5");
    }

    @Test
    void plainDecimalsAreBigDecimalsPlainStringWithoutTrailingZeros() {
        java.util.Random random = new java.util.Random(12);
        java.util.List<Double> values = new java.util.ArrayList<>(java.util.List.of(0.0, -0.0, 3.0, 120.0, 0.25, 1e-4, 1e7,
                1.5e300, -2.5e-300, 123456789.125, Double.MIN_VALUE, Double.MAX_VALUE, 0.1 + 0.2));
        for (int i = 0; i < 100_000; i++) {
            values.add(Double.longBitsToDouble(random.nextLong()));
            values.add(random.nextInt(1_000_000) / 1000.0);
        }
        for (double d : values) {
            if (Double.isFinite(d)) {
                assertThat(Output.plain(d)).as("%s", d)
                        .isEqualTo(java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
            }
        }
        assertThat(Output.plain(Double.NaN)).isEqualTo("NaN");
        assertThat(Output.plain(3.0)).isEqualTo("3");
        assertThat(Output.plain(-0.0)).isEqualTo("0");
    }

    @Test
    void moneyAsDollarsAndCentsWithMoreDigitsOnlyUnderACent() {
        assertThat(Output.cell(745.2849, "cost_usd", 6)).isEqualTo("$745.28");
        assertThat(Output.cell(5133.165, "cost_usd", 6)).isEqualTo("$5,133.17");
        assertThat(Output.cell(0.0042, "cost_usd", 6)).isEqualTo("$0.0042");
        assertThat(Output.cell(0.000123456, "cost_usd", 6)).isEqualTo("$0.00012");
        assertThat(Output.cell(0.005, "cost_usd", 6)).isEqualTo("$0.01");
        assertThat(Output.cell(0.0, "cost_usd", 6)).isEqualTo("$0.00");
        assertThat(Output.cell(-1.5, "cost_usd", 6)).isEqualTo("-$1.50");
        assertThat(Output.cell(2L, "budget_usd", 0)).isEqualTo("$2.00");
        assertThat(Output.cell(null, "cost_usd", 0)).isEqualTo(Output.NULL);
        assertThat(Output.cell(0.125, "ratio", 3)).as("not money").isEqualTo("0.125");
    }

    @Test
    void durationsAsWholeMilliseconds() {
        assertThat(Output.cell(1234.567, "p50_ms", 3)).isEqualTo("1,235");
        assertThat(Output.cell(2.5, "duration_ms", 1)).isEqualTo("3");
        assertThat(Output.cell(45L, "duration_ms", 0)).isEqualTo("45");
    }

    @Test
    void aColumnOfNullsIsLeftAlignedAsText() {
        java.io.StringWriter out = new java.io.StringWriter();
        TableSink table = new TableSink(new java.io.PrintWriter(out), false);
        table.columns(java.util.List.of("n", "empty", "t"));
        table.row(java.util.Arrays.asList(1L, null, "x"));
        table.row(java.util.Arrays.asList(1000L, null, "yy"));
        table.finish();
        assertThat(out.toString()).isEqualTo("    n  empty  t\n    1  \u2205      x\n1,000  \u2205      yy\n");
    }
}
