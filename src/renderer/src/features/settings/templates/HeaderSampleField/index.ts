export { HeaderSampleField } from './HeaderSampleField';
