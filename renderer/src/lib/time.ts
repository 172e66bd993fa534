/** Dates and times as the window shows them: "Nov 26, 2026, 12:32 PM" in the user's locale. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO timestamp from the backend, for a person to read. */
export function formatTimestamp(iso: string): string {
  return dateTime.format(new Date(iso));
}
