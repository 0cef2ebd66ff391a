// Times in the formats Intuit's servers write: Pacific wall-clock time with its offset
// (`2025-01-01T10:00:00.000-08:00`, legacy webhooks `2015-10-05T14:42:19-0700`) and CloudEvents' UTC nanoseconds.

const PACIFIC = (() => {
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone: "America/Los_Angeles",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    return undefined; // a Node built without time-zone data: fall back to UTC
  }
})();

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Pacific wall-clock fields and the offset from UTC in minutes (-480 or -420). */
function pacific(ms: number): { fields: number[]; offsetMin: number } {
  const whole = Math.floor(ms / 1000) * 1000;
  const parts = PACIFIC?.formatToParts(new Date(whole));
  if (!parts) {
    const d = new Date(whole);
    const fields = [
      d.getUTCFullYear(),
      d.getUTCMonth() + 1,
      d.getUTCDate(),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
    ];
    return { fields, offsetMin: 0 };
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const fields = ["year", "month", "day", "hour", "minute", "second"].map(get);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = fields;
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  return { fields, offsetMin: Math.round((asUtc - whole) / 60_000) };
}

function offsetText(offsetMin: number, colon: boolean): string {
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ":" : ""}${pad(abs % 60)}`;
}

/** `2025-01-01T10:00:00.000-08:00`: the `time` of QuickBooks API answers and faults. */
export function intuitApiTime(ms: number): string {
  const { fields, offsetMin } = pacific(ms);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = fields;
  const millis = pad(((ms % 1000) + 1000) % 1000, 3);
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${millis}${offsetText(offsetMin, true)}`;
}

/** `2015-10-05T14:42:19-0700`: `lastUpdated` in legacy webhook payloads. */
export function legacyWebhookTime(ms: number): string {
  const { fields, offsetMin } = pacific(ms);
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = fields;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${offsetText(offsetMin, false)}`;
}

/** `2025-09-10T21:31:25.179000000Z`: CloudEvents `time`, UTC with nanoseconds. */
export function cloudEventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, "000000Z");
}

/** `2024-01-15T02:04:07-08:00`: `MetaData` times of entities. */
export function entityTime(ms: number): string {
  return intuitApiTime(ms).replace(/\.\d{3}/, "");
}
