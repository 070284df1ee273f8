/** An accessible progress bar: role=progressbar with aria-valuenow, drawn with plain CSS. */

/** Props: a 0..100 value and a label for screen readers. */
export interface ProgressBarProps {
  value: number;
  label: string;
  /** Announced text such as "3 MB of 10 MB". */
  valueText?: string;
}

/** The bar. */
export function ProgressBar({ value, label, valueText }: ProgressBarProps) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value} aria-valuetext={valueText}>
      <div className="progress-fill" style={{ width: `${value}%` }} />
    </div>
  );
}
