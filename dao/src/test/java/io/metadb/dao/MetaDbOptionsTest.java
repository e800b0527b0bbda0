package io.metadb.dao;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetaDbOptionsTest {
    @Test
    void defaultsAreTheNamedConstants() {
        MetaDbOptions o = MetaDbOptions.defaults();
        assertThat(o.busyTimeoutMs()).isEqualTo(MetaDbOptions.DEFAULT_BUSY_TIMEOUT_MS);
        assertThat(o.queueCapacity()).isEqualTo(MetaDbOptions.DEFAULT_QUEUE_CAPACITY);
        assertThat(o.maxBatchRows()).isEqualTo(MetaDbOptions.DEFAULT_MAX_BATCH_ROWS);
        assertThat(o.leaseSize()).isEqualTo(MetaDbOptions.DEFAULT_LEASE_SIZE);
        assertThat(o.synchronous()).isEqualTo(MetaDbOptions.Synchronous.NORMAL);
    }

    @Test
    void invalidSettingsFailFastNamingTheSetting() {
        assertThatThrownBy(() -> MetaDbOptions.builder().busyTimeoutMs(-1).build()).hasMessage("busyTimeoutMs must be >= 0, was -1");
        assertThatThrownBy(() -> MetaDbOptions.builder().queueCapacity(0).build()).hasMessage("queueCapacity must be >= 1, was 0");
        assertThatThrownBy(() -> MetaDbOptions.builder().maxBatchRows(0).build()).hasMessage("maxBatchRows must be >= 1, was 0");
        assertThatThrownBy(() -> MetaDbOptions.builder().leaseSize(70_000).build())
                .hasMessage("leaseSize must be 1..65536, was 70000");
        assertThatThrownBy(() -> MetaDbOptions.builder().synchronous(null).build()).isInstanceOf(NullPointerException.class);
    }
}
