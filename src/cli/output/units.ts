/**
 * Docker's human-readable figures (github.com/docker/go-units): sizes in decimal units with three
 * significant digits ("4.26MB", "1.2kB", "0B"), durations as "2 hours", and "N/A" where unknown.
 */
const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Go's %.3g for 1 ≤ x < 1000: three significant digits, trailing zeros dropped. */
function threeDigits(value: number): string {
  return String(Number(value.toPrecision(3)));
}

/** units.HumanSize: 4261550 → "4.26MB". */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // Rounding may reach 1000 ("999.9kB" → "1e+03kB" in Go); Docker prints that as "1e+03kB", we carry over.
  if (Number(value.toPrecision(3)) >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${threeDigits(value)}${SIZE_UNITS[unit]}`;
}

/** units.HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks"... */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** docker images' CREATED: "2 hours ago", or "N/A" for an image without a creation time. */
export function timeAgo(date: Date | undefined, now: Date = new Date()): string {
  if (date === undefined) return 'N/A';
  return `${humanDuration(Math.max(0, now.getTime() - date.getTime()))} ago`;
}

/** Docker's CreatedAt: "2024-01-02 15:04:05 +0000 UTC" (Go's time.Time String, in UTC). */
export function goTime(date: Date | undefined): string {
  if (date === undefined) return '';
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}
