/** Parse the launcher's report lines (fd 4), see native/PROTOCOL.md. */
import { NATIVE_STAGES, type ReportLine, type Stage } from './protocol.js';

const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;

function decimal(text: string | undefined): number | undefined {
  return text !== undefined && DECIMAL.test(text) ? Number(text) : undefined;
}

/** Decode one line (without its "\n"); undefined when it is not a valid report line. */
export function parseReportLine(line: string): ReportLine | undefined {
  const fields = line.split('\t');
  const [type, a] = fields;
  switch (type) {
    case 'pid': {
      const pid = decimal(a);
      return fields.length === 2 && pid !== undefined && pid > 0 ? { type, pid } : undefined;
    }
    case 'exit': {
      const code = decimal(a);
      return fields.length === 2 && code !== undefined && code <= 255 ? { type, code } : undefined;
    }
    case 'signal': {
      const signal = decimal(a);
      return fields.length === 2 && signal !== undefined && signal > 0 && signal < 65 ? { type, signal } : undefined;
    }
    case 'started':
      return fields.length === 1 ? { type } : undefined;
    case 'error': {
      const errno = decimal(fields[2]);
      if (fields.length < 4 || errno === undefined || !NATIVE_STAGES.includes(a as Stage)) return undefined;
      // The message is last; a TAB inside it (the launcher replaces them, but be lenient) is kept.
      return { type, stage: a as Stage, errno, message: fields.slice(3).join('\t') };
    }
    default:
      return undefined;
  }
}

/** Splits a byte stream into report lines; call push() per chunk and end() at EOF. */
export class ReportReader {
  private pending = '';
  readonly lines: ReportLine[] = [];
  readonly malformed: string[] = [];

  constructor(private readonly onLine: (line: ReportLine) => void = () => {}) {}

  /** Feed a chunk of the report stream. */
  push(chunk: Buffer | string): void {
    this.pending += chunk.toString();
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.take(this.pending.slice(0, nl));
      this.pending = this.pending.slice(nl + 1);
    }
  }

  /** Signal EOF; an unterminated last line counts as malformed. */
  end(): void {
    if (this.pending !== '') this.malformed.push(this.pending);
    this.pending = '';
  }

  private take(text: string): void {
    const line = parseReportLine(text);
    if (line === undefined) {
      this.malformed.push(text);
      return;
    }
    this.lines.push(line);
    this.onLine(line);
  }
}
