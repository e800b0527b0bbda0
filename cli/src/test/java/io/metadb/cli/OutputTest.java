package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The table view's number grouping, done by hand. */
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
}
