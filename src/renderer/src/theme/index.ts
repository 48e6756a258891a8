export { theme, cssVariablesResolver } from './theme';
export { toMantineColorScheme, memoryColorSchemeManager } from './color-scheme';
