import { Injectable } from '@nestjs/common';
import { METRICS } from '@mda/contracts';
import { counterOf, histogramOf } from '@mda/observability';

const checks = counterOf(METRICS.subscriptionChecks);
const newItems = counterOf(METRICS.subscriptionNewItems);
const lag = histogramOf(METRICS.subscriptionCheckLag);

/** The subscriptions' metrics: checks by outcome, new items found, and how late a check ran. */
@Injectable()
export class SubscriptionMetrics {
  checked(outcome: 'ok' | 'failed', items: number): void {
    checks.inc({ outcome });
    if (items > 0) newItems.inc(items);
  }

  checkLag(seconds: number): void {
    lag.observe(seconds);
  }
}
