import type { LayerStatus } from '../../pull/index.js';

const BAR_WIDTH = 40;

function formatBytes(n: number): string {
  if (n < 1000) return `${n}B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}MB`;
  return `${(n / 1e9).toFixed(2)}GB`;
}

/** One layer's line in docker pull's words: "a1b2c3d4e5f6: Downloading [=====>    ] 1.2MB/3.4MB". */
export function layerLine(id: string, status: LayerStatus, size: number, current: number | undefined): string {
  switch (status) {
    case 'waiting':
      return `${id}: Waiting`;
    case 'downloading': {
      const done = Math.min(current ?? 0, size);
      const filled = size > 0 ? Math.floor((done / size) * BAR_WIDTH) : 0;
      const bar = '='.repeat(Math.max(filled - 1, 0)) + (filled > 0 ? '>' : '') + ' '.repeat(BAR_WIDTH - Math.max(filled, 0));
      return `${id}: Downloading [${bar}] ${formatBytes(done)}/${formatBytes(size)}`;
    }
    case 'verifying':
      return `${id}: Verifying Checksum`;
    case 'extracting':
      return `${id}: Extracting`;
    case 'complete':
      return `${id}: Pull complete`;
    case 'exists':
      return `${id}: Already exists`;
  }
}

/**
 * A block of per-layer lines redrawn in place on a terminal (cursor up, clear line, rewrite), as
 * docker pull does. Other lines are printed above the block and never redrawn.
 */
export class TtyLayerBlock {
  private readonly order: string[] = [];
  private readonly lines = new Map<string, string>();
  private drawn = 0;

  constructor(private readonly write: (text: string) => void) {}

  set(id: string, line: string): void {
    if (this.lines.get(id) === line) return;
    const index = this.order.indexOf(id);
    this.lines.set(id, line);
    if (index < 0 || this.drawn !== this.order.length) {
      if (index < 0) this.order.push(id);
      this.redraw();
      return;
    }
    // Only this layer's line changed (layers progress in parallel): rewrite it and come back down.
    const up = this.drawn - index;
    this.write(`\x1b[${up}A\x1b[2K${line}\n${up > 1 ? `\x1b[${up - 1}B` : ''}`);
  }

  /** Prints a line that stays (e.g. "Digest: …"); the layer block is closed first. */
  print(line: string): void {
    this.write(`${line}\n`);
  }

  /** Ends the live block: its last state stays on screen. */
  close(): void {
    this.order.length = 0;
    this.lines.clear();
    this.drawn = 0;
  }

  private redraw(): void {
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const id of this.order) out += `\x1b[2K${this.lines.get(id) ?? ''}\n`;
    this.drawn = this.order.length;
    this.write(out);
  }
}
