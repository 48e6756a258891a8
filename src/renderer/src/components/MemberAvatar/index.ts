export { AVAILABILITY_LABEL, AvailabilityDot, MemberAvatar, availabilityName } from './MemberAvatar';
export type { MemberAvatarProps } from './MemberAvatar';
