import { render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from './ProgressBar';

const bar = () => screen.getByRole('progressbar');

describe('ProgressBar', () => {
  it('shows percent, bytes, speed and time left while running', () => {
    render(
      <ProgressBar
        status="running"
        label="Clip"
        progress={{ percent: 42.37, downloaded_bytes: 4_200_000, total_bytes: 10_000_000, speed: 1_500_000, eta: 4 }}
      />,
    );
    expect(bar().getAttribute('aria-valuenow')).toBe('42.3');
    expect(bar().getAttribute('aria-label')).toBe('Progress of Clip');
    expect((bar().firstElementChild as HTMLElement).style.width).toBe('42.3%');
    expect(screen.getByText('42.3%')).toBeTruthy();
    expect(screen.getByText('4.2 MB of 10 MB · 1.5 MB/s · 4 s left')).toBeTruthy();
  });

  it('computes percent from bytes when the server sends none', () => {
    render(<ProgressBar status="running" label="Clip" progress={{ percent: null, downloaded_bytes: 250, total_bytes: 1000, speed: null, eta: null }} />);
    expect(bar().getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('25%')).toBeTruthy();
  });

  it('says so when the size is unknown instead of inventing a percent', () => {
    render(
      <ProgressBar status="running" label="Clip" progress={{ percent: null, downloaded_bytes: 3_000_000, total_bytes: null, speed: 100_000, eta: null }} />,
    );
    expect(bar().getAttribute('aria-valuenow')).toBeNull();
    expect(bar().getAttribute('aria-valuetext')).toBe('size unknown');
    expect(screen.getByText('Downloading…')).toBeTruthy();
    expect(screen.getByText('3.0 MB · 100 KB/s')).toBeTruthy();
  });

  it('is full when completed and hides speed and time left once not running', () => {
    render(<ProgressBar status="completed" label="Clip" progress={{ percent: 100, downloaded_bytes: 1000, total_bytes: 1000, speed: 5000, eta: 0 }} />);
    expect(bar().getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText('1.0 KB of 1.0 KB')).toBeTruthy();
    expect(screen.queryByText(/left/)).toBeNull();
  });

  it('updates in place when new progress arrives', () => {
    const { rerender } = render(
      <ProgressBar status="running" label="Clip" progress={{ percent: 10, downloaded_bytes: 10, total_bytes: 100, speed: 1, eta: 90 }} />,
    );
    expect(bar().getAttribute('aria-valuenow')).toBe('10');
    rerender(<ProgressBar status="running" label="Clip" progress={{ percent: 55, downloaded_bytes: 55, total_bytes: 100, speed: 1, eta: 45 }} />);
    expect(bar().getAttribute('aria-valuenow')).toBe('55');
    expect(screen.getByText(/45 s left/)).toBeTruthy();
  });
});
