// What every report says about the run besides its checks.
export interface RunInfo {
  /** The graded checkout, as the user should read it. */
  target: string;
  /** The grading date (IOT_DATE or today). */
  date: string;
  /** IOT_LIVE: a missing live tool fails instead of skipping. */
  live: boolean;
  /** Wall time of the whole run. */
  durationMs: number;
  /** When the reports were written (ISO 8601). */
  finishedAt: string;
}
