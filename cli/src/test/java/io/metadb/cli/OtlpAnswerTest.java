package io.metadb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import org.junit.jupiter.api.Test;

/** The receiver's protobuf answer reads as each signal's own response message. */
class OtlpAnswerTest {
    @Test
    void onePartialSuccessReadsAsTheLogsTracesAndMetricsResponse() throws Exception {
        byte[] answer = OtlpReceiver.protobufAnswer(3, "refused 3 spans: no model");
        var logs = ExportLogsServiceResponse.parseFrom(answer).getPartialSuccess();
        assertThat(logs.getRejectedLogRecords()).isEqualTo(3);
        assertThat(logs.getErrorMessage()).isEqualTo("refused 3 spans: no model");
        var traces = ExportTraceServiceResponse.parseFrom(answer).getPartialSuccess();
        assertThat(traces.getRejectedSpans()).isEqualTo(3);
        assertThat(traces.getErrorMessage()).isEqualTo("refused 3 spans: no model");
        var metrics = ExportMetricsServiceResponse.parseFrom(answer).getPartialSuccess();
        assertThat(metrics.getRejectedDataPoints()).isEqualTo(3);
        assertThat(metrics.getErrorMessage()).isEqualTo("refused 3 spans: no model");
        // Nothing refused and nothing to say: a full success, with no partial_success at all.
        assertThat(OtlpReceiver.protobufAnswer(0, "")).isEmpty();
        assertThat(ExportTraceServiceResponse.parseFrom(OtlpReceiver.protobufAnswer(0, "")).hasPartialSuccess()).isFalse();
    }
}
