import { Injectable } from '@nestjs/common';

/**
 * Jobs whose final event this replica has delivered, so a progress event still waiting in a
 * retry tier is dropped rather than sent late (bounded; per replica).
 */
@Injectable()
export class FinalEvents {
  private readonly done = new Map<string, true>();
  private readonly max = 50_000;

  markFinal(requestId: string): void {
    this.done.set(requestId, true);
    if (this.done.size > this.max) this.done.delete(this.done.keys().next().value as string);
  }

  isFinal(requestId: string): boolean {
    return this.done.has(requestId);
  }
}
