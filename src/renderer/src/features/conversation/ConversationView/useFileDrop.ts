import { useRef, useState, type DragEvent } from 'react';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * Files dragged over an element: `isDragging` while some are over it (nested enter/leave
 * events counted), and the drop handed to `onDrop` unless `isAccepted` is false (then the
 * overlay has said why and nothing is taken).
 */
export function useFileDrop(onDrop: (files: File[]) => void, isAccepted: boolean) {
  const [isDragging, setDragging] = useState(false);
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setDragging(true);
    },
    onDragOver: (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    },
    onDragLeave: () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer.files);
      if (files.length > 0 && isAccepted) onDrop(files);
    },
  };
  return { isDragging, handlers };
}
