/**
 * The programs the worker starts that may reach the network. yt-dlp starts aria2c (ranged
 * connections) and ffmpeg (HLS with `--downloader ffmpeg`) itself and hands them its `--proxy`
 * (as `--all-proxy` and `-http_proxy`); every child also inherits the proxy environment.
 */
export const OUTBOUND_TOOLS = ['yt-dlp', 'aria2c', 'ffmpeg', 'ffprobe'] as const;
export type OutboundTool = (typeof OUTBOUND_TOOLS)[number];

/** A tool's arguments and the variables added to its environment. */
export interface ToolCommand {
  args: string[];
  env: Record<string, string>;
}

const PROXY_OPTION: Record<OutboundTool, (proxyUrl: string) => string[]> = {
  'yt-dlp': (url) => ['--proxy', url],
  aria2c: (url) => [`--all-proxy=${url}`],
  // an input option of the http(s) protocol: before the input, where the tool's own options go
  ffmpeg: (url) => ['-http_proxy', url],
  ffprobe: (url) => ['-http_proxy', url],
};

/** The one place a tool's command line is given the egress proxy: its proxy option first, then `args`. */
export function proxiedCommand(tool: OutboundTool, args: readonly string[], proxyUrl: string): ToolCommand {
  return { args: [...PROXY_OPTION[tool](proxyUrl), ...args], env: proxyEnv(proxyUrl) };
}

/** Python (yt-dlp), aria2c and ffmpeg read these; an empty no_proxy keeps an inherited one from exempting hosts. */
function proxyEnv(url: string): Record<string, string> {
  return { http_proxy: url, https_proxy: url, HTTP_PROXY: url, HTTPS_PROXY: url, all_proxy: url, ALL_PROXY: url, no_proxy: '', NO_PROXY: '' };
}
