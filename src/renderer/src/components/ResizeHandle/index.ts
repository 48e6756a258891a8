export { ResizeHandle, type ResizeHandleProps } from './ResizeHandle';
