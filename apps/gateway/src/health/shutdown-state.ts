import { Injectable } from '@nestjs/common';

/** Set on SIGTERM so readiness turns false before anything stops. */
@Injectable()
export class ShutdownState {
  draining = false;
}
