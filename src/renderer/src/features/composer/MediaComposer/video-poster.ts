/**
 * A poster frame for a local video: loads it in a detached, muted <video>, seeks a little into
 * it and draws that frame on a canvas. Resolves to a JPEG data URL, or null when the browser
 * cannot decode the file (3GP on some systems) or takes longer than `timeoutMs`.
 */
export function videoPoster(objectUrl: string, timeoutMs = 4000): Promise<string | null> {
  return new Promise((resolve) => {
    let settled = false;
    const video = document.createElement('video');
    const finish = (value: string | null) => {
      if (settled) return;
      settled = true;
      window.clearTimeout(timer);
      video.removeAttribute('src');
      video.load();
      resolve(value);
    };
    const timer = window.setTimeout(() => finish(null), timeoutMs);
    video.muted = true;
    video.preload = 'metadata';
    video.playsInline = true;
    video.addEventListener('error', () => finish(null));
    video.addEventListener('loadeddata', () => {
      video.currentTime = Math.min(0.5, (video.duration || 1) / 2);
    });
    video.addEventListener('seeked', () => {
      try {
        const canvas = document.createElement('canvas');
        const scale = Math.min(1, 320 / (video.videoWidth || 320));
        canvas.width = Math.max(1, Math.round((video.videoWidth || 320) * scale));
        canvas.height = Math.max(1, Math.round((video.videoHeight || 180) * scale));
        const ctx = canvas.getContext('2d');
        if (!ctx) return finish(null);
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        finish(canvas.toDataURL('image/jpeg', 0.8));
      } catch {
        finish(null);
      }
    });
    try {
      video.src = objectUrl;
    } catch {
      finish(null);
    }
  });
}
