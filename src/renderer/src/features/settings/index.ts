// The Settings area (issue 12): sections by role over the admin channels.
export { SettingsArea, type SettingsAreaProps } from './SettingsArea/SettingsArea';
export { sectionsFor, SECTIONS, type SectionId } from './sections';
export { SettingsNavItem } from './SettingsNavItem';
