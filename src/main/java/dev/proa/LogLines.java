package dev.proa;

import dev.proa.lifecycle.Line;
import dev.proa.report.Logging;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/** Writes the lines the pure steps decided on: each at its level, with its fields for JSON logs. */
final class LogLines {
    private LogLines() {}

    static void write(Logger log, List<Line> lines) {
        for (Line line : lines) {
            var builder = switch (line.level()) {
                case ERROR -> log.atError();
                case WARN -> log.atWarn();
                case INFO -> log.atInfo();
                case DEBUG -> log.atDebug();
            };
            List<Object> fields = new ArrayList<>();
            line.fields().forEach((k, v) -> {
                fields.add(k);
                fields.add(v);
            });
            Logging.with(builder, fields.toArray()).log(line.text());
        }
    }
}
