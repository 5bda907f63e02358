import type { SourceStatus } from '../../lib/socket-contract';
import type { Logger } from '../logger';

/**
 * Says in the terminal what the page's banner says, once per change (a retry with the same reason is
 * not news): a source's problem when it appears or changes, and its recovery.
 */
export function logStatusChange(logger: Logger, previous: SourceStatus | undefined, next: SourceStatus): void {
  if (next.problem) {
    if (previous?.problem?.reason !== next.problem.reason) logger.error(`${next.name}: ${next.problem.reason}. ${next.problem.action}`);
    return;
  }
  if (previous?.problem && next.state === 'live') logger.info(`${next.name}: live again${next.detail ? ` (${next.detail})` : ''}`);
}
