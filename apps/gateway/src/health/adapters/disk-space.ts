import { statfs } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface DiskSpace {
  path: string;
  total_bytes?: number;
  free_bytes?: number;
  used_bytes?: number;
  used_percent?: number | null;
  error?: string;
}

/** Space on the file system that holds `dir` (the media folder), or the error code that kept it unknown. */
export async function diskSpace(dir: string): Promise<DiskSpace> {
  const path = resolve(dir);
  try {
    const s = await statfs(path);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    const used = total - s.bfree * s.bsize;
    return { path, total_bytes: total, free_bytes: free, used_bytes: used, used_percent: total ? Math.round((used / total) * 1000) / 10 : null };
  } catch (err) {
    return { path, error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
}
