// A presence indicator: shape and colour differ per state (never colour alone), with a text label for
// assistive technology and a tooltip.
import type { OwnShow } from '../../../shared/contract.ts';
import { SHOW_LABELS } from '../../stores/presence.ts';

export function PresenceDot({ show, label }: { show: OwnShow; label?: string }) {
  const text = label ?? SHOW_LABELS[show];
  return <span className={`presence-dot presence-${show}`} role="img" aria-label={text} title={text} />;
}
