package io.metadb.cli;

import io.metadb.analytics.Param;
import io.metadb.analytics.Report;
import io.metadb.analytics.Reports;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The command of any report of the registry ({@link Reports#all()}): its options are built
 * from the report's parameters (so a new report needs no CLI code), its values parsed by the
 * report, and its rows printed in the chosen format. The report reads a snapshot of what it
 * needs, never the live file. Not thread-safe.
 */
final class ReportCommand implements Callable<Integer> {
    private final Report<?, ?> report;
    private CommandSpec spec;

    private ReportCommand(Report<?, ?> report) {
        this.report = report;
    }

    /** The picocli command of {@code report}. */
    static CommandSpec spec(Report<?, ?> report) {
        ReportCommand command = new ReportCommand(report);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        command.spec = spec;
        spec.name(report.name());
        spec.usageMessage().description(report.description().split("\n")).footer(footer(report));
        for (Param<?> p : report.params()) {
            String description = p.description() + (p.defaultValue() == null ? "" : " (default: " + p.defaultValue() + ")");
            if (p.positional()) {
                spec.addPositional(PositionalParamSpec.builder().paramLabel(p.label()).description(description)
                        .type(String.class).arity("1").build());
            } else {
                OptionSpec.Builder option = OptionSpec.builder("--" + p.name()).type(String.class).description(description)
                        .required(p.required());
                if (!p.choices().isEmpty()) {
                    option.completionCandidates(p.choices()); // what metadb completion offers
                }
                spec.addOption(option.paramLabel(p.label() != null ? p.label() : "<" + p.name() + ">").build());
            }
        }
        spec.addOption(OptionSpec.builder("--json").type(boolean.class).initialValue(false).description("print a JSON array of objects").build());
        spec.addOption(OptionSpec.builder("--csv").type(boolean.class).initialValue(false).description("print CSV with a header").build());
        spec.addOption(OptionSpec.builder("--nl").type(boolean.class).initialValue(false)
                .description("print one JSON object per line").build());
        return spec;
    }

    private static String[] footer(Report<?, ?> report) {
        List<String> lines = new ArrayList<>(List.of("", report.examples().size() == 1 ? "Example:" : "Examples:"));
        report.examples().forEach(e -> lines.add("  metadb " + e));
        return lines.toArray(String[]::new);
    }

    /** The report's raw parameter values as parsed by picocli (absent: not given). */
    static Map<String, String> values(Report<?, ?> report, CommandSpec spec) {
        Map<String, String> values = new LinkedHashMap<>();
        int position = 0;
        for (Param<?> p : report.params()) {
            Object value = p.positional() ? spec.positionalParameters().get(position++).getValue()
                    : spec.findOption("--" + p.name()).getValue();
            if (value != null) {
                values.put(p.name(), (String) value);
            }
        }
        return values;
    }

    @Override
    public Integer call() {
        MetadbCommand root = (MetadbCommand) spec.parent().userObject();
        Output.Format format = Output.format(spec.findOption("--json").getValue(), spec.findOption("--csv").getValue(),
                spec.findOption("--nl").getValue());
        CommandLine cl = spec.commandLine();
        Invocation inv = new Invocation(report.name(), values(report, spec), format, root.now, root.timeout, root.debug);
        CommandService.answer(inv, root.location(), root.served, cl.getOut(), cl.getErr());
        return 0;
    }
}
